"""System checks of the signing side: rotation blacklists, and keys that can sign what they should.

Only a service that issues tokens has these settings; a client service verifies with
its auth service's JWKS (remote/checks.py).
"""

from __future__ import annotations

from typing import Any
{% if cookiecutter.signing_algorithm != "HS256" %}
from cryptography.hazmat.primitives.asymmetric import rsa
{%- endif %}
from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
{%- if cookiecutter.signing_algorithm != "HS256" %}
from django.core.exceptions import ImproperlyConfigured
from jwt.exceptions import PyJWTError
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError

from ..authn.keys import MINIMUM_RSA_KEY_BITS, load_private_key, public_key_pem
{%- endif %}

BLACKLIST_APP = "rest_framework_simplejwt.token_blacklist"
{%- if cookiecutter.signing_algorithm == "HS256" %}
# HS256 keys shorter than the hash output can be brute-forced offline (RFC 7518 section 3.2).
MINIMUM_HMAC_KEY_BYTES = 32
{%- else %}
SIGNING_ALGORITHM = "{{ cookiecutter.signing_algorithm }}"
# What loading a key of the wrong kind raises: our loaders, simplejwt's backend, PyJWT (InvalidKeyError), cryptography.
KEY_ERRORS = (ImproperlyConfigured, TokenBackendError, PyJWTError, ValueError, TypeError)
{%- endif %}

ROTATION_WITHOUT_BLACKLIST = "gatehouse.E003"
BLACKLIST_APP_MISSING = "gatehouse.E004"
{%- if cookiecutter.signing_algorithm == "HS256" %}
HMAC_KEY_TOO_SHORT = "gatehouse.E005"
SIGNING_KEY_REUSED = "gatehouse.E006"
{%- endif %}
SIGNING_KEY_MISSING = "gatehouse.E010"
{%- if cookiecutter.signing_algorithm != "HS256" %}
KEYS_NOT_USABLE = "gatehouse.E011"
{%- endif %}


def simple_jwt() -> dict[str, Any]:
    """SIMPLE_JWT as the settings have it now (simplejwt's own reader is frozen at import)."""
    return getattr(settings, "SIMPLE_JWT", {})


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
def check_signing_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The signing key must suit the algorithm: strong, separate from SECRET_KEY, and a working pair."""
    jwt_settings = simple_jwt()
    {%- if cookiecutter.signing_algorithm == "HS256" %}
    return check_hmac_key(jwt_settings.get("SIGNING_KEY"))
    {%- else %}
    if jwt_settings.get("ALGORITHM") != SIGNING_ALGORITHM:
        # gatehouse.E009 has said what is wrong; keys for another algorithm cannot be judged.
        return []
    return check_key_pair(jwt_settings)
    {%- endif %}
{%- if cookiecutter.signing_algorithm == "HS256" %}


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
{%- else %}


def check_key_pair(jwt_settings: dict[str, Any]) -> list[CheckMessage]:
    """An RS256/EdDSA signing key must be a strong key of the right type whose public half is VERIFYING_KEY."""
    signing_key = jwt_settings.get("SIGNING_KEY")
    if not signing_key:
        return [signing_key_missing("JWT_PRIVATE_KEY")]
    try:
        private_key = load_private_key(signing_key, "SIMPLE_JWT['SIGNING_KEY']")
        if isinstance(private_key, rsa.RSAPrivateKey) and private_key.key_size < MINIMUM_RSA_KEY_BITS:
            return [keys_not_usable(f"the RSA key has {private_key.key_size} bits, fewer than {MINIMUM_RSA_KEY_BITS}")]
        verifying_key = jwt_settings.get("VERIFYING_KEY") or public_key_pem(signing_key, "SIMPLE_JWT['SIGNING_KEY']")
        backend = TokenBackend(SIGNING_ALGORITHM, signing_key, verifying_key)
        # A round trip proves that the key suits the algorithm and that the two keys belong together.
        # (simplejwt annotates the encoded token as a Token; it is the JWT's text.)
        backend.decode(backend.encode({"check": True}))  # type: ignore[arg-type]
    except KEY_ERRORS as error:
        return [keys_not_usable(f"they are not a {SIGNING_ALGORITHM} key pair ({error})")]
    return []
{%- endif %}


def signing_key_missing(variable: str) -> Error:
    """The error for a service that should sign tokens but has no key (set through `variable`)."""
    return Error(
        "SIMPLE_JWT['SIGNING_KEY'] is empty: this service could not sign tokens.",
        hint=f"Set the {variable} environment variable (python scripts/write_env_file.py writes one).",
        obj="settings.SIMPLE_JWT",
        id=SIGNING_KEY_MISSING,
    )
{%- if cookiecutter.signing_algorithm != "HS256" %}


def keys_not_usable(reason: str) -> Error:
    """The error for keys that exist but cannot sign or verify tokens, saying why."""
    return Error(
        f"The JWT keys are not usable: {reason}.",
        obj="settings.SIMPLE_JWT",
        id=KEYS_NOT_USABLE,
    )
{%- endif %}
