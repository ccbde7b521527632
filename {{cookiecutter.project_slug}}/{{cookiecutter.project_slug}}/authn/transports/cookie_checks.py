"""System checks of the cookies a frontend relies on: the auth cookies (GATEHOUSE["AUTH_COOKIE_*"],
cookies.py) and Django's `csrftoken` cookie (CSRF_COOKIE_*, GATEHOUSE["CSRF_COOKIE_PARTITIONED"]).

Each refuses a combination that browsers would silently drop, so that a frontend fails at
`manage.py check` instead of with cookies that never arrive. `gatehouse.W030` runs with
`check --deploy` only: cookies that are not Secure are expected with DEBUG on a laptop, and
wrong in a deployment.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from ..conf import HOST_PREFIX, SECURE_PREFIX, auth_cookie_names, auth_cookies_are_secure, gatehouse_settings
from .cookies import ACCESS_COOKIE_PATH, SAMESITE_VALUES, refresh_cookie_path

COOKIE_SAMESITE_UNKNOWN = "gatehouse.E030"
COOKIE_SAMESITE_NONE_INSECURE = "gatehouse.E031"
COOKIE_PARTITIONED_INSECURE = "gatehouse.E032"
COOKIE_PREFIX_BROKEN = "gatehouse.E033"
CSRF_COOKIE_SAMESITE_UNKNOWN = "gatehouse.E034"
CSRF_COOKIE_SAMESITE_NONE_INSECURE = "gatehouse.E035"
CSRF_COOKIE_PARTITIONED_INSECURE = "gatehouse.E036"
CSRF_COOKIE_STAYS_ON_SITE = "gatehouse.W031"
COOKIE_NOT_SECURE = "gatehouse.W030"


def is_samesite(value: Any) -> bool:
    return isinstance(value, str) and value.capitalize() in SAMESITE_VALUES


def is_samesite_none(value: Any) -> bool:
    return isinstance(value, str) and value.capitalize() == "None"


@register(Tags.security)
def check_auth_cookies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The auth cookies' attributes must be ones browsers honour: a known SameSite, Secure where it is required."""
    samesite = gatehouse_settings.AUTH_COOKIE_SAMESITE
    if not is_samesite(samesite):
        return [
            cookie_error(
                f"AUTH_COOKIE_SAMESITE is {samesite!r}, which browsers do not know",
                f"Use one of {', '.join(map(repr, SAMESITE_VALUES))}; 'Lax' unless the frontend is on another site.",
                COOKIE_SAMESITE_UNKNOWN,
            )
        ]
    errors: list[CheckMessage] = []
    if auth_cookies_are_secure():
        return errors
    if is_samesite_none(samesite):
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


@register(Tags.security)
def check_auth_cookie_prefixes(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A cookie named with `__Host-` or `__Secure-` must have the attributes its prefix promises, or browsers drop it.

    `__Secure-` needs Secure; `__Host-` needs Secure, Path=/ and no Domain. The names
    auth_cookie_names() makes always fit; a name configured with a prefix may not.
    """
    secure, domain = auth_cookies_are_secure(), gatehouse_settings.AUTH_COOKIE_DOMAIN
    names = auth_cookie_names()
    errors: list[CheckMessage] = []
    for name, path in ((names.access, ACCESS_COOKIE_PATH), (names.refresh, refresh_cookie_path())):
        lowered = name.lower()
        if lowered.startswith((HOST_PREFIX.lower(), SECURE_PREFIX.lower())) and not secure:
            reason = f"the cookie {name!r} is not Secure, which its prefix requires"
        elif lowered.startswith(HOST_PREFIX.lower()) and domain:
            reason = f"the cookie {name!r} has Domain={domain!r}, which the {HOST_PREFIX} prefix forbids"
        elif lowered.startswith(HOST_PREFIX.lower()) and path != ACCESS_COOKIE_PATH:
            reason = f"the cookie {name!r} has Path={path}, and the {HOST_PREFIX} prefix requires Path=/"
        else:
            continue
        errors.append(
            cookie_error(
                f"{reason}: browsers refuse to store it",
                "Name AUTH_COOKIE_ACCESS_NAME and AUTH_COOKIE_REFRESH_NAME without a prefix: the prefixes that fit "
                "are added where the cookies are Secure.",
                COOKIE_PREFIX_BROKEN,
            )
        )
    return errors


@register(Tags.security)
def check_csrf_cookie(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The `csrftoken` cookie must be one browsers keep, and reach a frontend that the auth cookies reach."""
    samesite = settings.CSRF_COOKIE_SAMESITE
    # False leaves the attribute out (Django allows it); any other value that is not a SameSite makes
    # every answer that sets the cookie fail.
    if samesite is not False and not is_samesite(samesite):
        return [
            Error(
                f"CSRF_COOKIE_SAMESITE is {samesite!r}, which browsers do not know.",
                hint=f"Use one of {', '.join(map(repr, SAMESITE_VALUES))} (DJANGO_CSRF_COOKIE_SAMESITE).",
                obj="settings.CSRF_COOKIE_SAMESITE",
                id=CSRF_COOKIE_SAMESITE_UNKNOWN,
            )
        ]
    messages: list[CheckMessage] = []
    if is_samesite_none(samesite) and not settings.CSRF_COOKIE_SECURE:
        messages.append(
            Error(
                "CSRF_COOKIE_SAMESITE is 'None' but CSRF_COOKIE_SECURE is off: browsers drop such cookies.",
                hint="Set DJANGO_CSRF_COOKIE_SECURE=true (production always does), or use 'Lax'.",
                obj="settings.CSRF_COOKIE_SAMESITE",
                id=CSRF_COOKIE_SAMESITE_NONE_INSECURE,
            )
        )
    if gatehouse_settings.CSRF_COOKIE_PARTITIONED and not settings.CSRF_COOKIE_SECURE:
        messages.append(
            cookie_error(
                "CSRF_COOKIE_PARTITIONED is on but CSRF_COOKIE_SECURE is off: browsers drop Partitioned cookies "
                "that are not Secure",
                "Set DJANGO_CSRF_COOKIE_SECURE=true (production always does), or turn CSRF_COOKIE_PARTITIONED off.",
                CSRF_COOKIE_PARTITIONED_INSECURE,
            )
        )
    auth_cross_site = is_samesite_none(gatehouse_settings.AUTH_COOKIE_SAMESITE)
    if (auth_cross_site and not is_samesite_none(samesite)) or (
        gatehouse_settings.AUTH_COOKIE_PARTITIONED and not gatehouse_settings.CSRF_COOKIE_PARTITIONED
    ):
        messages.append(
            Warning(
                "The auth cookies are made for a frontend on another site (SameSite=None or Partitioned) but the "
                "csrftoken cookie is not: that frontend's logins, refreshes and logouts would fail the CSRF check.",
                hint="Set DJANGO_CSRF_COOKIE_SAMESITE=None and DJANGO_CSRF_COOKIE_PARTITIONED like the auth cookies "
                "(docs/frontend.md, 'Another site').",
                obj="settings.CSRF_COOKIE_SAMESITE",
                id=CSRF_COOKIE_STAYS_ON_SITE,
            )
        )
    return messages


@register(Tags.security, deploy=True)
def check_auth_cookies_secure(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In a deployment, the auth cookies must be Secure (never sent over plain HTTP)."""
    if auth_cookies_are_secure():
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
