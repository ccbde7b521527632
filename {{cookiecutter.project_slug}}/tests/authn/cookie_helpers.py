"""Helpers of the cookie transport tests: a browser-like client that fetches the CSRF token and keeps cookies.

The client enforces CSRF as a real deployment does (`APIClient(enforce_csrf_checks=True)`);
requests are same-origin unless they say otherwise, as a browser's `fetch()` from the
frontend would be.
"""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

CSRF_URL = "/api/auth/csrf/"
ME_URL = "/api/auth/me/"
# The Django test client's own origin (http://testserver), and an attacker's.
SAME_ORIGIN = "http://testserver"
EVIL_ORIGIN = "https://evil.example"
# The cookies' names with the test settings, where DEBUG is off and the cookies are Secure: prefixed.
ACCESS_COOKIE = "__Host-access_token"
REFRESH_COOKIE = "__Secure-refresh_token"
AUTH_COOKIES = (ACCESS_COOKIE, REFRESH_COOKIE)
# The CSRF failures every cookie-authenticated unsafe request and every login must be refused for:
# keyword arguments of BrowserClient.post.
CSRF_FAILURES = {
    "no-token": {"csrf": None},
    "mismatched-token": {"csrf": "x" * 32},
    "cross-site-origin": {"origin": EVIL_ORIGIN},
    "look-alike-origin": {"origin": f"{SAME_ORIGIN}.evil.example"},
    "null-origin": {"origin": "null"},
}


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

    def cookie(self, name: str) -> str:
        """The value of a cookie the client holds (what the browser would send)."""
        return self.client.cookies[name].value

    def set_cookie(self, name: str, value: str) -> None:
        self.client.cookies[name] = value
