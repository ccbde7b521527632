"""System checks of the auth cookies (GATEHOUSE["AUTH_COOKIE_*"], cookies.py).

`gatehouse.W030` runs with `check --deploy` only: cookies that are not Secure are expected
with DEBUG on a laptop, and wrong in a deployment.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, Warning, register

from ..conf import gatehouse_settings
from .cookies import SAMESITE_VALUES, cookies_are_secure

COOKIE_SAMESITE_UNKNOWN = "gatehouse.E030"
COOKIE_SAMESITE_NONE_INSECURE = "gatehouse.E031"
COOKIE_PARTITIONED_INSECURE = "gatehouse.E032"
COOKIE_NOT_SECURE = "gatehouse.W030"


@register(Tags.security)
def check_auth_cookies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The cookie attributes must be ones browsers honour: a known SameSite, and Secure where it is required."""
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
    """In a deployment, the auth cookies must be Secure (never sent over plain HTTP)."""
    if cookies_are_secure():
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
