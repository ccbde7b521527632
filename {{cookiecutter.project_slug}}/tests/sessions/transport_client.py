"""A client that logs in and refreshes as the clients of this project's token transport do.

Whatever the transport the project was generated with, it reads the tokens from where
the login answer put them (the JSON body, or the HttpOnly cookies) and sends them back
the same way: a refresh token in the body, or the refresh cookie with the CSRF token in
`X-CSRFToken`; an access token as `Authorization: Bearer`, or the access cookie. Where
tokens may travel in cookies it first fetches the CSRF token (`GET csrf/`), as a
browser frontend does once, and enforces CSRF as a real deployment does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.authn.conf import auth_cookie_names
from {{ cookiecutter.project_slug }}.authn.transports.base import get_transport
from {{ cookiecutter.project_slug }}.sessions.models import RefreshFamily

from ..factories import DEFAULT_PASSWORD

CSRF_URL = "/api/auth/csrf/"
PASSWORD_LOGIN_URL = "/api/auth/login/password/"
REFRESH_URL = "/api/auth/token/refresh/"
# The Django test client's own origin: requests are same-origin, as a frontend's fetch() would be.
SAME_ORIGIN = "http://testserver"


class TransportClient:
    """Logs in with the password scenario, refreshes and calls the API as the transport's clients do.

    `prefer` is the login's `Prefer` header (with the `both` transport, `token-transport=body`
    asks for the tokens in the body); None sends none.
    """

    def __init__(self, prefer: str | None = None) -> None:
        self.client = APIClient(enforce_csrf_checks=True)
        self.prefer = prefer
        self.headers: dict[str, str] = {"HTTP_ORIGIN": SAME_ORIGIN}
        # The tokens of the last answer that carried them in its body; None while cookies carry them.
        self.access: str | None = None
        self.refresh: str | None = None

    def fetch_csrf_token(self) -> None:
        """`GET csrf/` where tokens may travel in cookies; the token goes in `X-CSRFToken` from then on."""
        if not get_transport().sets_cookies:
            return
        response = self.client.get(CSRF_URL)
        assert response.status_code == 200, (response.status_code, response.content)
        self.headers["HTTP_X_CSRFTOKEN"] = response.json()["csrf"]

    def log_in(self, user: Any) -> Any:
        """POST the password scenario's credentials for `user`; the tokens are kept from wherever the answer put them."""
        headers = {**self.headers, **({"HTTP_PREFER": self.prefer} if self.prefer else {})}
        body = {"email": user.email, "password": DEFAULT_PASSWORD}
        response = self.client.post(PASSWORD_LOGIN_URL, body, format="json", **headers)
        if response.status_code == 200:
            self.keep_tokens(response)
        return response

    def refresh_tokens(self) -> Any:
        """POST `token/refresh/` with the refresh token from the body, or with the refresh cookie and the CSRF token."""
        body = {"refresh": self.refresh} if self.refresh is not None else None
        response = self.client.post(REFRESH_URL, body, format="json", **self.headers)
        if response.status_code == 200:
            self.keep_tokens(response)
        return response

    def get(self, url: str) -> Any:
        """GET `url` with the access token: the Bearer header when the body carried it, else the cookie."""
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.access}"} if self.access is not None else {}
        return self.client.get(url, **headers)

    def post(self, url: str, body: Any = None) -> Any:
        """POST `body` as JSON to `url` with the access token as `get()` sends it, and the CSRF token."""
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.access}"} if self.access is not None else {}
        return self.client.post(url, body, format="json", **self.headers, **headers)

    def delete(self, url: str) -> Any:
        """DELETE `url` with the access token as `get()` sends it, and the CSRF token an unsafe request needs."""
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.access}"} if self.access is not None else {}
        return self.client.delete(url, **self.headers, **headers)

    def keep_tokens(self, response: Any) -> None:
        """Keep the body's tokens; an answer without them must have set both cookies (which the client keeps)."""
        body = response.json()
        if "refresh" in body:
            self.access, self.refresh = body["access"], body["refresh"]
            return
        names = (auth_cookie_names().access, auth_cookie_names().refresh)
        missing = [name for name in names if name not in response.cookies or not response.cookies[name].value]
        assert not missing, f"an answer without tokens in its body must set both token cookies; missing {missing}"
        self.access = self.refresh = None


def signed_in(user: Any, **headers: str) -> TransportClient:
    """A client of this project's transport, logged in as `user` with the password scenario (which must be enabled).

    `headers` go with every request of the client (REMOTE_ADDR, HTTP_USER_AGENT...).
    """
    client = TransportClient()
    client.headers.update(headers)
    client.fetch_csrf_token()
    response = client.log_in(user)
    assert response.status_code == 200, (response.status_code, response.content)
    return client


def age_the_login(client: TransportClient, user: Any, ago: timedelta) -> None:
    """Make the client's login `ago` old: its session last authenticated then, and a refresh gives it such tokens."""
    RefreshFamily.objects.filter(user=user).update(authenticated_at=timezone.now() - ago)
    response = client.refresh_tokens()
    assert response.status_code == 200, (response.status_code, response.content)
