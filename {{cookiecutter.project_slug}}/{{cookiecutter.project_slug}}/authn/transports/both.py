"""Either transport, chosen by the client per login with `Prefer: token-transport=...` (RFC 7240)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from ..errors import CsrfFailed
from ..serializers import (
    HeaderOrCookieLoginCompleteSerializer,
    OptionalRefreshTokenRequestSerializer,
    TokenLifetimeSerializer,
    TokenPairSerializer,
)
from .base import TokenTransport
from .cookie import CookieTransport
from .header import HeaderTransport

if TYPE_CHECKING:
    from ...users.models import User
    from ..tokens import TokenPair

# `Prefer: token-transport=body` asks for the tokens in the body; `token-transport=cookie`,
# or no such preference, for cookies.
TOKEN_TRANSPORT_PREFERENCE = "token-transport"  # noqa: S105 (a preference name, not a secret)
BODY = "body"
COOKIE = "cookie"


def preferred_token_transport(request: Request) -> str | None:
    """The value of the `token-transport` preference in the request's Prefer header (RFC 7240), or None.

    `Prefer: token-transport=body` gives "body"; parameters after `;` and quotes are ignored,
    and so is every other preference.
    """
    for preference in request.headers.get("Prefer", "").split(","):
        name, _, value = preference.split(";", 1)[0].partition("=")
        if name.strip().lower() == TOKEN_TRANSPORT_PREFERENCE:
            return value.strip().strip('"').lower()
    return None


class HeaderOrCookieTransport(TokenTransport):
    """Either transport, per request (the `both` answer).

    A login answers with cookies, unless the request says `Prefer: token-transport=body`:
    then the tokens are in the body, as with HeaderTransport. Later requests may present
    a token either way; where both are present the header (or the body's `refresh`)
    wins, and the cookie is ignored, so one request never mixes two identities.
    """

    sets_cookies = True
    refresh_request_serializer = OptionalRefreshTokenRequestSerializer
    login_serializer = HeaderOrCookieLoginCompleteSerializer
    refresh_serializers = (TokenPairSerializer, TokenLifetimeSerializer)
    cookie_request_errors = (CsrfFailed,)
    refresh_request_errors = (exceptions.NotAuthenticated,)

    def __init__(self) -> None:
        self.header = HeaderTransport()
        self.cookie = CookieTransport()

    def for_login(self, request: Request) -> TokenTransport:
        """The transport the client asked for with `Prefer: token-transport=...` (cookies by default)."""
        return self.header if preferred_token_transport(request) == BODY else self.cookie

    def for_credential(self, request: Request) -> TokenTransport:
        """The transport of the credential the request presents: a Bearer header or a body `refresh` wins."""
        data = request.data
        if "authorization" in request.headers or (isinstance(data, dict) and "refresh" in data):
            return self.header
        return self.cookie

    def read_access_cookie(self, request: Request) -> str | None:
        return self.cookie.read_access_cookie(request)

    def check_login_request(self, request: Request) -> None:
        self.for_login(request).check_login_request(request)

    def read_refresh_token(self, request: Request) -> str:
        return self.for_credential(request).read_refresh_token(request)

    def login_response(self, request: Request, user: User, pair: TokenPair) -> Response:
        transport = self.for_login(request)
        response = transport.login_response(request, user, pair)
        response["Preference-Applied"] = f"{TOKEN_TRANSPORT_PREFERENCE}={BODY if transport is self.header else COOKIE}"
        return response

    def refresh_response(self, request: Request, pair: TokenPair) -> Response:
        return self.for_credential(request).refresh_response(request, pair)

    def logout_response(self, request: Request) -> Response:
        # Cookies are deleted only when a cookie held the session that ended: a client logging
        # out with its Bearer header or body token leaves another session's cookies alone.
        return self.for_credential(request).logout_response(request)
