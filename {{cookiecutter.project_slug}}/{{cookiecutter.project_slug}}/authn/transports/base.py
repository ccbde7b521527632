"""How tokens travel between the API and its clients: the transport every answer with tokens goes through.

A transport writes the answers that carry tokens (a completed login, a refresh, a
logout) and reads tokens back from requests. GATEHOUSE["TOKEN_TRANSPORT"] names the
class, one module per answer of the `token_transport` prompt, and a render holds only
the modules its answer uses:

- header.HeaderTransport: tokens in JSON bodies; the client sends `Authorization: Bearer <access>`.
- cookie.CookieTransport: tokens in HttpOnly cookies (cookies.py), never in bodies; every
  request that a cookie authenticates, and every login, needs Django's CSRF token (csrf.py).
- both.HeaderOrCookieTransport: either, chosen by the client at each login with the `Prefer`
  header (RFC 7240); a request may present either, and a header wins over a cookie.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from django.utils.cache import add_never_cache_headers
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from ..conf import gatehouse_settings
from ..serializers import (
    BEARER,
    LOGIN_COMPLETE,
    LoginCompleteSerializer,
    RefreshTokenRequestSerializer,
    TokenPairSerializer,
)

if TYPE_CHECKING:
    from ...users.models import User
    from ..tokens import TokenPair

__all__ = ["BEARER", "LOGIN_COMPLETE", "TokenTransport", "get_transport", "token_response"]


def token_response(data: dict[str, Any]) -> Response:
    """A 200 that no cache keeps, since it carries tokens or sets them (RFC 6749 section 5.1)."""
    response = Response(data, status=status.HTTP_200_OK)
    add_never_cache_headers(response)
    return response


class TokenTransport(ABC):
    """Carries a token pair to the client and reads tokens back; one subclass per transport."""

    # Whether `Authorization: Bearer <access>` authenticates requests (JWTAuthentication).
    reads_bearer_header: bool = True
    # Whether tokens may travel in cookies: then `csrf/` is served (authn/urls.py).
    sets_cookies: bool = False
    # What the OpenAPI schema shows for the body of `token/refresh/` and `logout/` (None: no body),
    # and for the answers of a completed login and of a refresh.
    refresh_request_serializer: type[serializers.Serializer] | None = RefreshTokenRequestSerializer
    login_serializer: type[serializers.Serializer] = LoginCompleteSerializer
    refresh_serializers: tuple[type[serializers.Serializer], ...] = (TokenPairSerializer,)
    # For the OpenAPI schema (api/openapi.py): what the transport refuses in a request that would use
    # a cookie (a failed CSRF check), and in a refresh or logout without a refresh token to read.
    cookie_request_errors: tuple[type[APIException], ...] = ()
    refresh_request_errors: tuple[type[APIException], ...] = ()

    def read_access_cookie(self, request: Request) -> str | None:
        """The access token of the request's cookie, None without one; a cookie must pass the CSRF check."""
        return None

    def check_login_request(self, request: Request) -> None:
        """Refuse a login step, before it runs, that this transport must not answer (CSRF, with cookies)."""
        return None

    @abstractmethod
    def read_refresh_token(self, request: Request) -> str:
        """The refresh token the request presents (for `token/refresh/` and `logout/`)."""

    @abstractmethod
    def login_response(self, request: Request, user: User, pair: TokenPair) -> Response:
        """The 200 answer of a completed login."""

    @abstractmethod
    def refresh_response(self, request: Request, pair: TokenPair) -> Response:
        """The 200 answer of `token/refresh/`."""

    def logout_response(self, request: Request) -> Response:
        """The 204 answer of `logout/` and `logout/all/`."""
        return Response(status=status.HTTP_204_NO_CONTENT)


def get_transport() -> TokenTransport:
    """The configured transport (GATEHOUSE["TOKEN_TRANSPORT"])."""
    return gatehouse_settings.TOKEN_TRANSPORT()
