"""System checks of social login: a misconfigured provider fails `manage.py check` and every start.

They read the settings only, and ask no provider anything: a provider that is down at
start-up is not a configuration error (its flows answer 503 `provider_unavailable`).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from ..authn.conf import gatehouse_settings
from .adapters import OAuth2UserinfoAdapter, OpenIDConnectAdapter
from .providers import CONFIG_FIELDS, DEFAULT_ADAPTER, REQUIRED_FIELDS

PROVIDERS_INVALID = "social.E001"
PROVIDER_KEY_INVALID = "social.E002"
PROVIDER_FIELDS_INVALID = "social.E003"
PROVIDER_URL_INVALID = "social.E004"
PROVIDER_ADAPTER_INVALID = "social.E005"
REDIRECT_URIS_INVALID = "social.E006"
NO_REDIRECT_URIS = "social.W001"
# The key is the end of the scenario `oidc-<key>`, routed by `login/<slug:scenario>/`.
PROVIDER_KEY_PATTERN = r"[a-zA-Z0-9_-]{1,59}"
# The endpoints an OAuth-only adapter cannot discover.
OAUTH_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint")


def is_secure_url(url: object) -> bool:
    """An absolute https URL; plain http only on a loopback host, for development and tests."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and is_loopback(parts.hostname)


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine (`localhost`, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def error(message: str, error_id: str, hint: str | None = None) -> Error:
    """A check's Error about the GATEHOUSE settings."""
    return Error(message, hint=hint, obj="settings.GATEHOUSE", id=error_id)


@register(Tags.security)
def check_providers(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Each provider of OIDC_PROVIDERS must be complete, with https URLs and an adapter that imports."""
    providers = gatehouse_settings.OIDC_PROVIDERS
    if not isinstance(providers, dict) or not all(isinstance(config, dict) for config in providers.values()):
        return [
            error(
                "GATEHOUSE['OIDC_PROVIDERS'] must map provider keys to objects.",
                PROVIDERS_INVALID,
                hint='OIDC_PROVIDERS=\'{"google": {"name": "Google", "issuer": "https://accounts.google.com", '
                '"client_id": "...", "client_secret": "..."}}\' (docs/social-login.md).',
            )
        ]
    errors: list[CheckMessage] = []
    for key, config in providers.items():
        errors.extend(check_provider(key, config))
    return errors


def check_provider(key: Any, config: dict[str, Any]) -> list[CheckMessage]:
    """The problems of one provider's entry."""
    where = f"GATEHOUSE['OIDC_PROVIDERS'][{key!r}]"
    if not isinstance(key, str) or not re.fullmatch(PROVIDER_KEY_PATTERN, key):
        return [
            error(f"{where}: the key must be 1 to 59 letters, digits, hyphens or underscores.", PROVIDER_KEY_INVALID)
        ]
    errors: list[CheckMessage] = []
    unknown = sorted(set(config) - CONFIG_FIELDS)
    if unknown:
        errors.append(
            error(
                f"{where} has unknown fields: {', '.join(unknown)}.",
                PROVIDER_FIELDS_INVALID,
                hint=f"The fields are: {', '.join(sorted(CONFIG_FIELDS))}.",
            )
        )
    missing = sorted(name for name in REQUIRED_FIELDS if not config.get(name))
    if missing:
        errors.append(error(f"{where} lacks {', '.join(missing)}.", PROVIDER_FIELDS_INVALID))
    not_text = sorted(name for name in set(config) & CONFIG_FIELDS if not isinstance(config[name], str))
    if not_text:
        errors.append(error(f"{where}: {', '.join(not_text)} must be strings.", PROVIDER_FIELDS_INVALID))
    adapter_class = config.get("adapter", DEFAULT_ADAPTER)
    try:
        adapter = import_string(adapter_class)
    except ImportError as problem:
        return [
            *errors,
            error(f"{where}: the adapter {adapter_class!r} cannot be imported ({problem}).", PROVIDER_ADAPTER_INVALID),
        ]
    if not (isinstance(adapter, type) and issubclass(adapter, OpenIDConnectAdapter)):
        return [
            *errors,
            error(f"{where}: the adapter {adapter_class!r} is not an OpenIDConnectAdapter.", PROVIDER_ADAPTER_INVALID),
        ]
    # The adapter's own endpoints (GitHub's) count as configured.
    urls = (
        ["issuer"]
        if not issubclass(adapter, OAuth2UserinfoAdapter)
        else [name for name in OAUTH_ENDPOINTS if config.get(name) or not getattr(adapter, name.upper(), None)]
    )
    for name in urls:
        if not is_secure_url(config.get(name)):
            errors.append(
                error(
                    f"{where}: {name} must be an https URL (http only on a loopback host), not {config.get(name)!r}.",
                    PROVIDER_URL_INVALID,
                )
            )
    return errors


@register(Tags.security)
def check_redirect_uris(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """OIDC_ALLOWED_REDIRECT_URIS must be absolute https URLs (http on loopback); with providers, at least one."""
    uris = gatehouse_settings.OIDC_ALLOWED_REDIRECT_URIS
    if not isinstance(uris, list | tuple) or not all(is_secure_url(uri) for uri in uris):
        return [
            error(
                "GATEHOUSE['OIDC_ALLOWED_REDIRECT_URIS'] must be a list of https URLs (http only on a loopback host).",
                REDIRECT_URIS_INVALID,
                hint="The frontend pages that providers send browsers back to, exactly as registered at each provider.",
            )
        ]
    if gatehouse_settings.OIDC_PROVIDERS and not uris:
        return [
            Warning(
                "OpenID Connect providers are configured but GATEHOUSE['OIDC_ALLOWED_REDIRECT_URIS'] is empty: "
                "every `start` step is refused with redirect_uri_not_allowed.",
                hint="Set OIDC_ALLOWED_REDIRECT_URIS to the frontend's callback page (docs/social-login.md).",
                obj="settings.GATEHOUSE",
                id=NO_REDIRECT_URIS,
            )
        ]
    return []
