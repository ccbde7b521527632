"""The access and refresh cookies: attributes and lifetimes, defined in one place (names: authn/conf.py).

Both cookies are HttpOnly (scripts cannot read them), host-only unless
GATEHOUSE["AUTH_COOKIE_DOMAIN"] names a domain (so no sibling subdomain receives
them), Secure unless DEBUG, and SameSite as GATEHOUSE["AUTH_COOKIE_SAMESITE"] says.
Where they are Secure their names carry the `__Host-` and `__Secure-` prefixes
(conf.auth_cookie_names). Each lives no longer than its token: Max-Age is the time
left until the token's `exp`. The access cookie has Path=/, so that every API of this
host sees it; the refresh cookie only goes to the endpoints that read it.
"""

from __future__ import annotations

import posixpath
import time
from http.cookies import Morsel
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, reverse

from ..conf import auth_cookie_names, auth_cookies_are_secure, gatehouse_settings

if TYPE_CHECKING:
    from ..tokens import TokenPair

ACCESS_COOKIE_PATH = "/"
# The endpoints that read the refresh cookie: its Path is the narrowest one that reaches them all.
# (logout/all/ is authenticated by the access token and needs no refresh cookie.)
{%- if cookiecutter.auth_role == "client_service" %}
REFRESH_COOKIE_ENDPOINTS = ("remote:token-refresh", "remote:logout")
{%- else %}
REFRESH_COOKIE_ENDPOINTS = ("sessions:token-refresh", "sessions:logout")
{%- endif %}
SAMESITE_VALUES = ("Lax", "Strict", "None")


class PartitionedMorsel(Morsel):
    """A cookie with the `Partitioned` attribute (CHIPS), which Django 5.2's set_cookie cannot write."""

    def OutputString(self, attrs: Any = None) -> str:
        return f"{super().OutputString(attrs)}; Partitioned"


def mark_partitioned(response: HttpResponseBase, name: str) -> None:
    """Add `Partitioned` to the cookie `name` that `response` sets (Django's set_cookie has no such argument)."""
    morsel = response.cookies[name]
    partitioned = PartitionedMorsel()
    partitioned.set(morsel.key, morsel.value, morsel.coded_value)
    partitioned.update(morsel)
    response.cookies[name] = partitioned


def refresh_cookie_path() -> str:
    """The narrowest Path that sends the refresh cookie to `token/refresh/` and `logout/` (`/api/auth/`)."""
    paths = []
    for name in REFRESH_COOKIE_ENDPOINTS:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue  # not routed (GATEHOUSE["ENABLED_ENDPOINTS"]): the cookie need not reach it
    if not paths:
        return ACCESS_COOKIE_PATH
    common = posixpath.commonpath(paths)
    return common if common.endswith("/") else f"{common}/"


def seconds_until(expires_at: float) -> int:
    """Seconds left until `expires_at` (seconds since the epoch, a token's `exp`), rounded down, never negative."""
    return max(0, int(expires_at - time.time()))


class AuthCookies:
    """Writes, reads and deletes the access and refresh cookies with the attributes of GATEHOUSE."""

    @property
    def access_name(self) -> str:
        return auth_cookie_names().access

    @property
    def refresh_name(self) -> str:
        return auth_cookie_names().refresh

    def read_access(self, request: HttpRequest) -> str | None:
        """The access token of the request's access cookie, or None when it has none."""
        return request.COOKIES.get(self.access_name) or None

    def read_refresh(self, request: HttpRequest) -> str | None:
        """The refresh token of the request's refresh cookie, or None when it has none."""
        return request.COOKIES.get(self.refresh_name) or None

    def set_tokens(self, response: HttpResponseBase, pair: TokenPair) -> None:
        """Put both tokens of `pair` in cookies that expire with them."""
        access_max_age, refresh_max_age = seconds_until(pair.access_expires_at), seconds_until(pair.refresh_expires_at)
        self.write(response, self.access_name, pair.access, ACCESS_COOKIE_PATH, access_max_age)
        self.write(response, self.refresh_name, pair.refresh, refresh_cookie_path(), refresh_max_age)

    def delete_tokens(self, response: HttpResponseBase) -> None:
        """Make the browser drop both cookies: the same name, Path and attributes, Max-Age=0."""
        self.write(response, self.access_name, "", ACCESS_COOKIE_PATH, 0)
        self.write(response, self.refresh_name, "", refresh_cookie_path(), 0)

    @staticmethod
    def write(response: HttpResponseBase, name: str, value: str, path: str, max_age: int) -> None:
        """Set one auth cookie: HttpOnly; Secure, Domain, SameSite and Partitioned from GATEHOUSE."""
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=path,
            domain=gatehouse_settings.AUTH_COOKIE_DOMAIN or None,
            secure=auth_cookies_are_secure(),
            httponly=True,
            samesite=gatehouse_settings.AUTH_COOKIE_SAMESITE,
        )
        if gatehouse_settings.AUTH_COOKIE_PARTITIONED:
            mark_partitioned(response, name)
