"""System checks of the core: `manage.py check` (and every start) refuses inconsistent settings.

Each refusal is an Error whose message says what is wrong and why; the id is stable
(`gatehouse.E001`...) so that docs and tests can name it. They run in every
environment: a misconfigured token setting is as wrong on a laptop as in production.
Each app checks its own settings in its own checks.py (sessions: the signing keys;
login: the scenarios; the cookie transport: its cookies; remote: the auth service).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from .adapter import GatehouseAdapter
from .authentication import TOKEN_USER_SOURCES
from .conf import DEFAULTS, SETTINGS_NAME, as_duration, gatehouse_settings, is_duration_setting
from .endpoints import known_endpoints

# The algorithm this project was generated for: its key variables, scripts/write_env_file.py
# and its tests are made for it.
RENDERED_ALGORITHM = "{{ cookiecutter.signing_algorithm }}"

UNKNOWN_ENDPOINT = "gatehouse.E001"
UNKNOWN_USER_SOURCE = "gatehouse.E002"
AUDIENCE_MISSING = "gatehouse.E007"
ISSUER_MISSING = "gatehouse.E008"
UNEXPECTED_ALGORITHM = "gatehouse.E009"
UNKNOWN_SETTING = "gatehouse.E013"
ADAPTER_INVALID = "gatehouse.E014"
DURATION_INVALID = "gatehouse.E015"


def simple_jwt() -> dict[str, Any]:
    """SIMPLE_JWT as the settings have it now (simplejwt's own reader is frozen at import)."""
    return getattr(settings, "SIMPLE_JWT", {})


@register(Tags.security)
def check_known_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every key of GATEHOUSE must be a setting: a misspelt one would silently keep its default."""
    unknown = sorted(set(getattr(settings, SETTINGS_NAME, {})) - set(DEFAULTS))
    if not unknown:
        return []
    return [
        Error(
            f"GATEHOUSE has unknown keys: {', '.join(map(repr, unknown))}.",
            hint=f"Every setting and its default is in authn/conf.py; the keys are: {', '.join(sorted(DEFAULTS))}.",
            obj="settings.GATEHOUSE",
            id=UNKNOWN_SETTING,
        )
    ]


@register(Tags.security)
def check_durations(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every duration must be a timedelta or a number of seconds, and not negative."""
    configured = getattr(settings, SETTINGS_NAME, {})
    errors: list[CheckMessage] = []
    for name in sorted(filter(is_duration_setting, configured)):
        value = as_duration(configured[name])
        if isinstance(value, timedelta) and value >= timedelta(0):
            continue
        errors.append(
            Error(
                f"GATEHOUSE[{name!r}] is {configured[name]!r}, not a duration.",
                hint="Give a datetime.timedelta or a number of seconds, zero or more.",
                obj="settings.GATEHOUSE",
                id=DURATION_INVALID,
            )
        )
    return errors


@register(Tags.security)
def check_adapter(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """ADAPTER must import and be a GatehouseAdapter: every app asks it, so a broken one would fail at first use."""
    try:
        adapter = gatehouse_settings.ADAPTER
    except ImportError as error:
        problem = str(error)
    else:
        if isinstance(adapter, type) and issubclass(adapter, GatehouseAdapter):
            return []
        problem = f"{adapter!r} is not a subclass of {GatehouseAdapter.__module__}.GatehouseAdapter."
    return [
        Error(
            f"GATEHOUSE['ADAPTER'] is not a usable adapter: {problem}",
            hint="Name the dotted path of a subclass of GatehouseAdapter (authn/adapter.py, docs/adapter.md).",
            obj="settings.GATEHOUSE",
            id=ADAPTER_INVALID,
        )
    ]


@register(Tags.security)
def check_enabled_endpoints(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every name in ENABLED_ENDPOINTS must be an endpoint: a typo would silently turn one off."""
    enabled = gatehouse_settings.ENABLED_ENDPOINTS
    if enabled is None:
        return []
    known = known_endpoints()
    unknown = [name for name in enabled if name not in known]
    if not unknown:
        return []
    return [
        Error(
            f"GATEHOUSE['ENABLED_ENDPOINTS'] names unknown endpoints: {', '.join(map(repr, unknown))}.",
            hint=f"Use names from: {', '.join(known)}.",
            obj="settings.GATEHOUSE",
            id=UNKNOWN_ENDPOINT,
        )
    ]


@register(Tags.security)
def check_token_user_source(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """TOKEN_USER_SOURCE must be one of the sources the authentication class knows."""
    source = gatehouse_settings.TOKEN_USER_SOURCE
    if source in TOKEN_USER_SOURCES:
        return []
    return [
        Error(
            f"GATEHOUSE['TOKEN_USER_SOURCE'] is {source!r}; it must be one of {', '.join(TOKEN_USER_SOURCES)}.",
            obj="settings.GATEHOUSE",
            id=UNKNOWN_USER_SOURCE,
        )
    ]


@register(Tags.security)
def check_audience_and_issuer(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Tokens must name their audience and issuer, or tokens meant for another service would be accepted."""
    jwt_settings = simple_jwt()
    errors: list[CheckMessage] = []
    if not jwt_settings.get("AUDIENCE"):
        errors.append(
            Error(
                "SIMPLE_JWT['AUDIENCE'] is empty: the `aud` claim would be neither set nor checked.",
                hint="Set the JWT_AUDIENCE environment variable.",
                obj="settings.SIMPLE_JWT",
                id=AUDIENCE_MISSING,
            )
        )
    if not jwt_settings.get("ISSUER"):
        errors.append(
            Error(
                "SIMPLE_JWT['ISSUER'] is empty: the `iss` claim would be neither set nor checked.",
                hint="Set the JWT_ISSUER environment variable.",
                obj="settings.SIMPLE_JWT",
                id=ISSUER_MISSING,
            )
        )
    return errors


@register(Tags.security)
def check_algorithm(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The algorithm must be the one the project was generated for: its keys are made for it."""
    algorithm = simple_jwt().get("ALGORITHM")
    if algorithm == RENDERED_ALGORITHM:
        return []
    return [
        Error(
            f"SIMPLE_JWT['ALGORITHM'] is {algorithm!r}, but this project was generated for {RENDERED_ALGORITHM}: "
            "its key variables and scripts/write_env_file.py are made for that algorithm.",
            hint=f"Set it back to {RENDERED_ALGORITHM!r}, or regenerate the project with another signing_algorithm.",
            obj="settings.SIMPLE_JWT",
            id=UNEXPECTED_ALGORITHM,
        )
    ]
