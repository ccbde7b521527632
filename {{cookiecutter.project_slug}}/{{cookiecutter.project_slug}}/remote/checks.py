"""System checks of the auth service settings: `manage.py check` names what is missing.

An http:// AUTH_SERVICE_URL or unverified TLS would let anybody on the path serve
this service a JWKS of their own and mint tokens it accepts, so `check --deploy`
refuses both (SECURITY.md item 76).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.checks import CheckMessage, Error, Tags, register

from ..authn.conf import gatehouse_settings

AUTH_SERVICE_URL_MISSING = "gatehouse.E040"
AUTH_SERVICE_URL_NOT_HTTPS = "gatehouse.E041"
AUTH_SERVICE_TLS_UNVERIFIED = "gatehouse.E042"


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
