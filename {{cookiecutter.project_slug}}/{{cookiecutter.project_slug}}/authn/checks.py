"""System checks: `manage.py check` (and every start) refuses inconsistent authentication settings.

Each refusal is an Error whose message says what is wrong and why; the id is stable
(`gatehouse.E001`...) so that docs and tests can name it. They run in every
environment: a misconfigured token setting is as wrong on a laptop as in production.
The one exception is `gatehouse.W030` (`check --deploy` only): auth cookies that are not
Secure are expected with DEBUG on a laptop, and wrong in a deployment.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from jwt.exceptions import PyJWTError
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError

from .authentication import TOKEN_USER_SOURCES
from .conf import ALL_ENDPOINTS, gatehouse_settings
from .keys import MINIMUM_RSA_KEY_BITS, load_private_key

# The answers this project was generated with: its key variables, scripts/write_env_file.py
# and its tests are made for this algorithm and role.
RENDERED_ALGORITHM = "{{ cookiecutter.signing_algorithm }}"
AUTH_ROLE = "{{ cookiecutter.auth_role }}"
# HS256 keys shorter than the hash output can be brute-forced offline (RFC 7518 section 3.2).
MINIMUM_HMAC_KEY_BYTES = 32
BLACKLIST_APP = "rest_framework_simplejwt.token_blacklist"
# What loading a key of the wrong kind raises: our loaders, simplejwt's backend, PyJWT (InvalidKeyError), cryptography.
KEY_ERRORS = (ImproperlyConfigured, TokenBackendError, PyJWTError, ValueError, TypeError)

UNKNOWN_ENDPOINT = "gatehouse.E001"
UNKNOWN_USER_SOURCE = "gatehouse.E002"
ROTATION_WITHOUT_BLACKLIST = "gatehouse.E003"
BLACKLIST_APP_MISSING = "gatehouse.E004"
HMAC_KEY_TOO_SHORT = "gatehouse.E005"
SIGNING_KEY_REUSED = "gatehouse.E006"
AUDIENCE_MISSING = "gatehouse.E007"
ISSUER_MISSING = "gatehouse.E008"
UNEXPECTED_ALGORITHM = "gatehouse.E009"
SIGNING_KEY_MISSING = "gatehouse.E010"
KEYS_NOT_USABLE = "gatehouse.E011"
CLIENT_HOLDS_SIGNING_KEY = "gatehouse.E012"


def simple_jwt() -> dict[str, Any]:
    """SIMPLE_JWT as the settings have it now (simplejwt's own reader is frozen at import)."""
    return getattr(settings, "SIMPLE_JWT", {})


@register(Tags.security)
def check_enabled_endpoints(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every name in ENABLED_ENDPOINTS must be an endpoint: a typo would silently turn one off."""
    unknown = [name for name in gatehouse_settings.ENABLED_ENDPOINTS if name not in ALL_ENDPOINTS]
    if not unknown:
        return []
    return [
        Error(
            f"GATEHOUSE['ENABLED_ENDPOINTS'] names unknown endpoints: {', '.join(map(repr, unknown))}.",
            hint=f"Use names from: {', '.join(ALL_ENDPOINTS)}.",
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
def check_rotation_blacklists(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Rotation must blacklist the used refresh token, and the blacklist must exist (simplejwt skips it silently)."""
    jwt_settings = simple_jwt()
    errors: list[CheckMessage] = []
    if jwt_settings.get("ROTATE_REFRESH_TOKENS") and not jwt_settings.get("BLACKLIST_AFTER_ROTATION"):
        errors.append(
            Error(
                "SIMPLE_JWT['ROTATE_REFRESH_TOKENS'] is on without BLACKLIST_AFTER_ROTATION: "
                "a used refresh token would stay valid next to its replacement.",
                hint="Set SIMPLE_JWT['BLACKLIST_AFTER_ROTATION'] = True.",
                obj="settings.SIMPLE_JWT",
                id=ROTATION_WITHOUT_BLACKLIST,
            )
        )
    if not apps.is_installed(BLACKLIST_APP):
        errors.append(
            Error(
                f"{BLACKLIST_APP} is not in INSTALLED_APPS: logout, rotation and revocation "
                "could not refuse a refresh token.",
                hint=f"Add {BLACKLIST_APP!r} to INSTALLED_APPS.",
                obj="settings.INSTALLED_APPS",
                id=BLACKLIST_APP_MISSING,
            )
        )
    return errors


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


@register(Tags.security)
def check_signing_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The keys must suit the algorithm and the role: strong, separate from SECRET_KEY, and a working pair."""
    jwt_settings = simple_jwt()
    if jwt_settings.get("ALGORITHM") != RENDERED_ALGORITHM:
        # check_algorithm has said what is wrong; keys for another algorithm cannot be judged.
        return []
    if AUTH_ROLE == "client_service":
        return check_verifying_keys_only(jwt_settings)
    if RENDERED_ALGORITHM == "HS256":
        return check_hmac_key(jwt_settings.get("SIGNING_KEY"))
    return check_key_pair(jwt_settings)


def check_hmac_key(key: str | None) -> list[CheckMessage]:
    """An HS256 key must exist, be long, and differ from SECRET_KEY (which signs much else)."""
    if not key:
        return [signing_key_missing("JWT_SIGNING_KEY")]
    errors: list[CheckMessage] = []
    if len(key.encode()) < MINIMUM_HMAC_KEY_BYTES:
        errors.append(
            Error(
                f"SIMPLE_JWT['SIGNING_KEY'] is shorter than {MINIMUM_HMAC_KEY_BYTES} bytes: "
                "a captured token would let anybody guess it offline and mint tokens.",
                hint="Set JWT_SIGNING_KEY to a long random value (python scripts/write_env_file.py writes one).",
                obj="settings.SIMPLE_JWT",
                id=HMAC_KEY_TOO_SHORT,
            )
        )
    if key == settings.SECRET_KEY:
        errors.append(
            Error(
                "SIMPLE_JWT['SIGNING_KEY'] is SECRET_KEY: leaking either would let anybody mint tokens.",
                hint="Give JWT_SIGNING_KEY its own random value.",
                obj="settings.SIMPLE_JWT",
                id=SIGNING_KEY_REUSED,
            )
        )
    return errors


def check_key_pair(jwt_settings: dict[str, Any]) -> list[CheckMessage]:
    """An RS256/EdDSA signing key must be a strong key of the right type whose public half is VERIFYING_KEY."""
    signing_key = jwt_settings.get("SIGNING_KEY")
    if not signing_key:
        return [signing_key_missing("JWT_PRIVATE_KEY")]
    try:
        private_key = load_private_key(signing_key, "SIMPLE_JWT['SIGNING_KEY']")
        if isinstance(private_key, rsa.RSAPrivateKey) and private_key.key_size < MINIMUM_RSA_KEY_BITS:
            return [keys_not_usable(f"the RSA key has {private_key.key_size} bits, fewer than {MINIMUM_RSA_KEY_BITS}")]
        backend = TokenBackend(RENDERED_ALGORITHM, signing_key, jwt_settings.get("VERIFYING_KEY") or "")
        # A round trip proves that the key suits the algorithm and that the two keys belong together.
        backend.decode(backend.encode({"check": True}))
    except KEY_ERRORS as error:
        return [keys_not_usable(f"they are not a {RENDERED_ALGORITHM} key pair ({error})")]
    return []


def check_verifying_keys_only(jwt_settings: dict[str, Any]) -> list[CheckMessage]:
    """A client service holds no key: it verifies with the auth service's JWKS (GATEHOUSE["JWKS_CLIENT"])."""
    errors: list[CheckMessage] = []
    if jwt_settings.get("SIGNING_KEY"):
        errors.append(
            Error(
                "SIMPLE_JWT['SIGNING_KEY'] is set on a client_service: a service that only verifies "
                "tokens must not be able to mint them.",
                hint="Remove the signing key; this service verifies with the auth service's JWKS (AUTH_SERVICE_URL).",
                obj="settings.SIMPLE_JWT",
                id=CLIENT_HOLDS_SIGNING_KEY,
            )
        )
    if not gatehouse_settings.JWKS_CLIENT:
        errors.append(keys_not_usable("GATEHOUSE['JWKS_CLIENT'] is not set: no token could be verified"))
    return errors


def signing_key_missing(variable: str) -> Error:
    """The error for a service that should sign tokens but has no key (set through `variable`)."""
    return Error(
        "SIMPLE_JWT['SIGNING_KEY'] is empty: this service could not sign tokens.",
        hint=f"Set the {variable} environment variable (python scripts/write_env_file.py writes one).",
        obj="settings.SIMPLE_JWT",
        id=SIGNING_KEY_MISSING,
    )


def keys_not_usable(reason: str) -> Error:
    """The error for keys that exist but cannot sign or verify tokens, saying why."""
    return Error(
        f"The JWT keys are not usable: {reason}.",
        obj="settings.SIMPLE_JWT",
        id=KEYS_NOT_USABLE,
    )


# Login scenarios (GATEHOUSE["LOGIN_SCENARIOS"]).
SCENARIO_NOT_IMPORTABLE = "gatehouse.E020"
SCENARIO_NOT_A_SCENARIO = "gatehouse.E021"
SCENARIO_KEY_INVALID = "gatehouse.E022"
SCENARIO_KEY_DUPLICATE = "gatehouse.E023"
SCENARIO_STEPS_INVALID = "gatehouse.E024"
# What `login/<slug:scenario>/` can route.
SCENARIO_KEY_PATTERN = r"[-a-zA-Z0-9_]+"


@register(Tags.security)
def check_login_scenarios(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Each of LOGIN_SCENARIOS must be a Scenario with a routable, unique key and steps with valid schemas."""
    import re

    from .scenarios import Scenario

    try:
        scenario_classes = gatehouse_settings.LOGIN_SCENARIOS
    except ImportError as error:
        return [scenario_error(f"it names a class that cannot be imported ({error})", SCENARIO_NOT_IMPORTABLE)]
    errors: list[CheckMessage] = []
    keys: set[str] = set()
    for scenario_class in scenario_classes:
        if not (isinstance(scenario_class, type) and issubclass(scenario_class, Scenario)):
            errors.append(scenario_error(f"{scenario_class!r} is not a Scenario subclass", SCENARIO_NOT_A_SCENARIO))
            continue
        key = getattr(scenario_class, "key", None)
        if not isinstance(key, str) or not re.fullmatch(SCENARIO_KEY_PATTERN, key):
            errors.append(
                scenario_error(
                    f"{scenario_class.__name__}.key is {key!r}, which login/<scenario>/ cannot route "
                    "(use letters, digits, hyphens and underscores)",
                    SCENARIO_KEY_INVALID,
                )
            )
        elif key in keys:
            errors.append(scenario_error(f"two scenarios have the key {key!r}", SCENARIO_KEY_DUPLICATE))
        keys.add(key)
        errors.extend(check_scenario_steps(scenario_class))
    return errors


def check_scenario_steps(scenario_class: type) -> list[CheckMessage]:
    """A scenario needs at least one step, step keys unique within it, and a valid object schema per step."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    steps = list(getattr(scenario_class, "steps", ()))
    name = scenario_class.__name__
    if not steps:
        return [scenario_error(f"{name} has no steps", SCENARIO_STEPS_INVALID)]
    errors: list[CheckMessage] = []
    step_keys = [getattr(step, "key", None) for step in steps]
    if len(set(step_keys)) != len(step_keys):
        errors.append(scenario_error(f"{name} has two steps with one key ({step_keys})", SCENARIO_STEPS_INVALID))
    for step in steps:
        try:
            schema = step.get_schema()
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            errors.append(
                scenario_error(
                    f"{name} step {step.key!r} has an invalid schema ({error.message})", SCENARIO_STEPS_INVALID
                )
            )
            continue
        if schema.get("type") != "object":
            errors.append(scenario_error(f"{name} step {step.key!r} must take a JSON object", SCENARIO_STEPS_INVALID))
    return errors


def scenario_error(reason: str, error_id: str) -> Error:
    return Error(f"GATEHOUSE['LOGIN_SCENARIOS']: {reason}.", obj="settings.GATEHOUSE", id=error_id)


# The auth cookies (GATEHOUSE["AUTH_COOKIE_*"], authn/cookies.py).
COOKIE_SAMESITE_UNKNOWN = "gatehouse.E030"
COOKIE_SAMESITE_NONE_INSECURE = "gatehouse.E031"
COOKIE_PARTITIONED_INSECURE = "gatehouse.E032"
COOKIE_NOT_SECURE = "gatehouse.W030"


@register(Tags.security)
def check_auth_cookies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The cookie attributes must be ones browsers honour: a known SameSite, and Secure where it is required."""
    from .cookies import SAMESITE_VALUES, cookies_are_secure

    samesite = gatehouse_settings.AUTH_COOKIE_SAMESITE
    if not isinstance(samesite, str) or samesite.capitalize() not in SAMESITE_VALUES:
        return [
            cookie_error(
                f"AUTH_COOKIE_SAMESITE is {samesite!r}, which browsers do not know",
                f"Use one of {', '.join(map(repr, SAMESITE_VALUES))}; 'Lax' unless the frontend is on another site.",
                COOKIE_SAMESITE_UNKNOWN,
            )
        ]
    errors: list[CheckMessage] = []
    if cookies_are_secure():
        return errors
    if samesite.capitalize() == "None":
        errors.append(
            cookie_error(
                "AUTH_COOKIE_SAMESITE is 'None' but the cookies are not Secure: browsers drop such cookies",
                "Set AUTH_COOKIE_SECURE to True (or None outside DEBUG), or use 'Lax'.",
                COOKIE_SAMESITE_NONE_INSECURE,
            )
        )
    if gatehouse_settings.AUTH_COOKIE_PARTITIONED:
        errors.append(
            cookie_error(
                "AUTH_COOKIE_PARTITIONED is on but the cookies are not Secure: browsers drop Partitioned cookies "
                "that are not Secure",
                "Set AUTH_COOKIE_SECURE to True (or None outside DEBUG), or turn AUTH_COOKIE_PARTITIONED off.",
                COOKIE_PARTITIONED_INSECURE,
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_auth_cookies_secure(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In a deployment whose tokens travel in cookies, the cookies must be Secure (never sent over plain HTTP)."""
    from .cookies import cookies_are_secure

    if not gatehouse_settings.TOKEN_TRANSPORT.sets_cookies or cookies_are_secure():
        return []
    return [
        Warning(
            "The access and refresh cookies are not Secure: a browser would send them over plain HTTP.",
            hint="Leave GATEHOUSE['AUTH_COOKIE_SECURE'] at None (Secure unless DEBUG) or set it to True.",
            obj="settings.GATEHOUSE",
            id=COOKIE_NOT_SECURE,
        )
    ]


def cookie_error(reason: str, hint: str, error_id: str) -> Error:
    return Error(f"GATEHOUSE: {reason}.", hint=hint, obj="settings.GATEHOUSE", id=error_id)
