"""Helpers of the cookie transport tests: a browser-like client that fetches the CSRF token and logs in.

The client enforces CSRF as a real deployment does (`APIClient(enforce_csrf_checks=True)`);
requests are same-origin unless they say otherwise, as a browser's `fetch()` from the
frontend would be.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from django.conf import settings
from rest_framework.test import APIClient

from ..factories import DEFAULT_PASSWORD
from ..login.helpers import assert_complete, login_url

CSRF_URL = "/api/auth/csrf/"
REFRESH_URL = "/api/auth/token/refresh/"
LOGOUT_URL = "/api/auth/logout/"
LOGOUT_ALL_URL = "/api/auth/logout/all/"
ME_URL = "/api/auth/me/"
PASSWORD_CHANGE_URL = "/api/auth/password/change/"
# The Django test client's own origin (http://testserver), and an attacker's.
SAME_ORIGIN = "http://testserver"
EVIL_ORIGIN = "https://evil.example"
ACCESS_COOKIE = "access_token"
REFRESH_COOKIE = "refresh_token"
REFRESH_COOKIE_PATH = "/api/auth/"
# Browsers keep at most 4096 bytes per cookie (RFC 6265 section 6.1).
MAX_COOKIE_BYTES = 4096


class BrowserClient:
    """A client that behaves as a browser running the frontend: cookies kept, CSRF enforced."""

    def __init__(self) -> None:
        self.client = APIClient(enforce_csrf_checks=True)
        self.csrf_token: str | None = None

    def fetch_csrf_token(self) -> str:
        """`GET csrf/`, as the frontend does once; the token goes in `X-CSRFToken` from then on."""
        response = self.client.get(CSRF_URL)
        assert response.status_code == 200, (response.status_code, response.content)
        self.csrf_token = response.json()["csrf"]
        return self.csrf_token

    def post(
        self,
        url: str,
        body: Any = None,
        *,
        csrf: str | None = "fetched",
        origin: str | None = SAME_ORIGIN,
        **extra: Any,
    ):
        """POST `body` as JSON with the CSRF header ("fetched": the token of csrf/; None: no header) and Origin."""
        return self.send("post", url, body, csrf=csrf, origin=origin, **extra)

    def patch(
        self,
        url: str,
        body: Any = None,
        *,
        csrf: str | None = "fetched",
        origin: str | None = SAME_ORIGIN,
        **extra: Any,
    ):
        return self.send("patch", url, body, csrf=csrf, origin=origin, **extra)

    def get(self, url: str, **extra: Any):
        return self.client.get(url, **extra)

    def send(self, method: str, url: str, body: Any, *, csrf: str | None, origin: str | None, **extra: Any):
        headers = dict(extra)
        if csrf == "fetched":
            csrf = self.csrf_token or self.fetch_csrf_token()
        if csrf is not None:
            headers["HTTP_X_CSRFTOKEN"] = csrf
        if origin is not None:
            headers["HTTP_ORIGIN"] = origin
        if "content_type" in headers:
            return getattr(self.client, method)(url, body, **headers)
        return getattr(self.client, method)(url, body, format="json", **headers)

    def log_in(self, user: Any, **extra: Any):
        """Log `user` in with the password scenario, the CSRF token and the same origin; the cookies are kept."""
        response = self.post(login_url("password"), {"email": user.email, "password": DEFAULT_PASSWORD}, **extra)
        assert_complete(response, user)
        return response

    def cookie(self, name: str) -> str:
        """The value of a cookie the client holds (what the browser would send)."""
        return self.client.cookies[name].value

    def set_cookie(self, name: str, value: str) -> None:
        self.client.cookies[name] = value


def cookie_attributes(response: Any, name: str) -> dict[str, Any]:
    """The attributes of the `Set-Cookie` for `name`, as a browser reads them from the header line."""
    assert name in response.cookies, f"expected a Set-Cookie for {name}, got {list(response.cookies)}"
    line = response.cookies[name].output(header="").strip()
    value, *attributes = (part.strip() for part in line.split(";"))
    parsed: dict[str, Any] = {"value": value.partition("=")[2]}
    for attribute in attributes:
        key, has_value, attribute_value = attribute.partition("=")
        parsed[key.lower()] = attribute_value if has_value else True
    return parsed


def seconds_left(token: str) -> float:
    """Seconds until the `exp` of a signed token."""
    return jwt.decode(token, options={"verify_signature": False})["exp"] - time.time()


def path_matches(cookie_path: str, request_path: str) -> bool:
    """RFC 6265 section 5.1.4: whether a browser sends a cookie of `cookie_path` with a request to `request_path`."""
    if request_path == cookie_path:
        return True
    return request_path.startswith(cookie_path) and (
        cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"
    )


def access_lifetime() -> float:
    return settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
