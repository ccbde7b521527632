"""Staff sign in to this service's admin with their auth-service email and password.

The backend runs the auth service's `password` login scenario through the same client
as the proxy, verifies the access token it gets like any other (JWKS, `iss`, `aud`),
updates the local copy from its claims, and admits only staff. The refresh token of
that login is handed back (logout) at once: the admin keeps Django's session instead.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest
from rest_framework_simplejwt.exceptions import TokenError

from ..authn.conf import auth_cookie_names
from ..authn.errors import TokenNotValid
from ..authn.tokens import AccessToken
from .client import call_auth_service
from .errors import AuthServiceUnavailable
from .users import user_from_claims

if TYPE_CHECKING:
    from ..users.models import User

PASSWORD_LOGIN_PATH = "/api/auth/login/password/"  # noqa: S105 (a URL path, not a password)
LOGOUT_PATH = "/api/auth/logout/"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class AuthServiceBackend(BaseBackend):
    """Django authentication backend that checks credentials with the auth service; staff only."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        email = kwargs.get("email", username)
        if not email or not password:
            return None
        tokens = self.password_login(email, password, request)
        if tokens is None:
            return None
        access, refresh = tokens
        try:
            # simplejwt annotates the encoded token as a Token; it is the JWT's text.
            user = user_from_claims(AccessToken(access).payload)  # type: ignore[arg-type]
        except (TokenError, TokenNotValid):
            return None
        finally:
            if refresh:
                self.logout(refresh)
        if not (user.is_staff and user.is_active):
            return None
        return user

    def get_user(self, user_id: Any) -> User | None:
        user = get_user_model().objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active and user.is_staff else None

    def password_login(self, email: str, password: str, request: HttpRequest | None) -> tuple[str, str] | None:
        """(access, refresh) from a completed one-step password login on the auth service, else None."""
        headers = dict(JSON_HEADERS)
        if request is not None and request.META.get("REMOTE_ADDR"):
            headers["X-Forwarded-For"] = request.META["REMOTE_ADDR"]
        try:
            upstream = call_auth_service(
                "POST",
                PASSWORD_LOGIN_PATH,
                headers=headers,
                body=json.dumps({"email": email, "password": password}).encode(),
            )
        except AuthServiceUnavailable:
            return None
        if upstream.status_code != 200:
            return None
        try:
            answer = upstream.json()
        except ValueError:
            return None
        if not isinstance(answer, dict) or answer.get("status") != "complete":
            return None
        # Header transport puts the tokens in the body; cookie transport in cookies.
        cookie_names = auth_cookie_names()
        access = answer.get("access") or upstream.cookies.get(cookie_names.access)
        refresh = answer.get("refresh") or upstream.cookies.get(cookie_names.refresh) or ""
        if not isinstance(access, str) or not access:
            return None
        return access, refresh

    def logout(self, refresh: str) -> None:
        """End the auth-service session this admin sign-in opened; an unreachable auth service lets it expire."""
        try:
            call_auth_service(
                "POST", LOGOUT_PATH, headers=JSON_HEADERS, body=json.dumps({"refresh": refresh}).encode()
            )
        except AuthServiceUnavailable:
            return
