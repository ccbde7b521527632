"""Helpers of the cookie transport tests of sessions: a browser that logs in, and what its cookies say."""

from __future__ import annotations

import time
from typing import Any

import jwt
from django.conf import settings

from ..authn.cookie_helpers import BrowserClient
from ..factories import DEFAULT_PASSWORD
from ..login.helpers import assert_complete, login_url

REFRESH_COOKIE_PATH = "/api/auth/"
PASSWORD_CHANGE_URL = "/api/auth/password/change/"
# Browsers keep at most 4096 bytes per cookie (RFC 6265 section 6.1).
MAX_COOKIE_BYTES = 4096


def log_in(browser: BrowserClient, user: Any, **extra: Any) -> Any:
    """Log `user` in with the password scenario, the CSRF token and the same origin; the browser keeps the cookies."""
    response = browser.post(login_url("password"), {"email": user.email, "password": DEFAULT_PASSWORD}, **extra)
    assert_complete(response, user)
    return response


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
