"""System checks of the auth service settings: `manage.py check` names what is missing.

An http:// AUTH_SERVICE_URL or unverified TLS would let anybody on the path serve
this service a JWKS of their own and mint tokens it accepts, so `check --deploy`
refuses both (SECURITY.md item 76).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from ..authn.conf import gatehouse_settings

AUTH_SERVICE_URL_MISSING = "gatehouse.E040"
AUTH_SERVICE_URL_NOT_HTTPS = "gatehouse.E041"
AUTH_SERVICE_TLS_UNVERIFIED = "gatehouse.E042"
KEYS_NOT_USABLE = "gatehouse.E011"
CLIENT_HOLDS_SIGNING_KEY = "gatehouse.E012"


@register(Tags.security)
def check_auth_service_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """AUTH_SERVICE_URL must be an absolute http(s) URL with no query or fragment."""
    url = gatehouse_settings.AUTH_SERVICE_URL
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc and not parts.query and not parts.fragment:
        return []
    return [
        Error(
            f"GATEHOUSE['AUTH_SERVICE_URL'] is {url!r}: it must be the auth service's base URL, such as https://auth.example.com.",
            hint="Set the AUTH_SERVICE_URL environment variable.",
            obj="settings.GATEHOUSE",
            id=AUTH_SERVICE_URL_MISSING,
        )
    ]


@register(Tags.security, deploy=True)
def check_auth_service_tls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production the auth service is reached over verified HTTPS only."""
    errors: list[CheckMessage] = []
    if urlsplit(gatehouse_settings.AUTH_SERVICE_URL).scheme != "https":
        errors.append(
            Error(
                "GATEHOUSE['AUTH_SERVICE_URL'] is not https://: keys and logins would travel unprotected.",
                hint="Serve the auth service over HTTPS and set AUTH_SERVICE_URL to its https:// URL.",
                obj="settings.GATEHOUSE",
                id=AUTH_SERVICE_URL_NOT_HTTPS,
            )
        )
    if gatehouse_settings.AUTH_SERVICE_VERIFY_TLS is False:
        errors.append(
            Error(
                "GATEHOUSE['AUTH_SERVICE_VERIFY_TLS'] is False: anybody on the path could serve their own keys.",
                hint="Set it to True, or to the path of the CA bundle that signs the auth service's certificate.",
                obj="settings.GATEHOUSE",
                id=AUTH_SERVICE_TLS_UNVERIFIED,
            )
        )
    return errors


@register(Tags.security)
def check_no_signing_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A client service holds no key: it verifies with the auth service's JWKS (GATEHOUSE["JWKS_CLIENT"])."""
    errors: list[CheckMessage] = []
    if getattr(settings, "SIMPLE_JWT", {}).get("SIGNING_KEY"):
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
        errors.append(
            Error(
                "The JWT keys are not usable: GATEHOUSE['JWKS_CLIENT'] is not set: no token could be verified.",
                obj="settings.GATEHOUSE",
                id=KEYS_NOT_USABLE,
            )
        )
    return errors
