"""How tokens travel between the API and its clients.

A transport writes the answers that carry tokens (a completed login, a refresh,
a logout) and reads tokens back from requests. GATEHOUSE["TOKEN_TRANSPORT"] names the
class, one per answer of the `token_transport` prompt:

- HeaderTransport: tokens in JSON bodies; the client sends `Authorization: Bearer <access>`.
- CookieTransport: tokens in HttpOnly cookies (authn/cookies.py), never in bodies; every
  request that a cookie authenticates, and every login, needs Django's CSRF token.
- HeaderOrCookieTransport: either, chosen by the client at each login with the `Prefer`
  header (RFC 7240); a request may present either, and a header wins over a cookie.

`complete_login()` is where every login scenario ends: it issues the tokens and lets
the transport answer.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from django.contrib.auth.signals import user_logged_in
from django.utils.cache import add_never_cache_headers
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .conf import gatehouse_settings
from .cookies import AuthCookies
from .csrf import enforce_csrf
from .serializers import (
    CookieLoginCompleteSerializer,
    LoginCompleteSerializer,
    OptionalRefreshTokenRequestSerializer,
    RefreshTokenRequestSerializer,
    TokenLifetimeSerializer,
    TokenPairSerializer,
)
from .tokens import TokenPair, issue_tokens

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

LOGIN_COMPLETE = "complete"
BEARER = "Bearer"
# `Prefer: token-transport=body` asks HeaderOrCookieTransport for the tokens in the body;
# `token-transport=cookie`, or no such preference, for cookies.
TOKEN_TRANSPORT_PREFERENCE = "token-transport"  # noqa: S105 (a preference name, not a secret)
BODY = "body"
COOKIE = "cookie"


def token_response(data: dict[str, Any]) -> Response:
    """A 200 that no cache keeps, since it carries tokens or sets them (RFC 6749 section 5.1)."""
    response = Response(data, status=status.HTTP_200_OK)
    add_never_cache_headers(response)
    return response


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


class TokenTransport(ABC):
    """Carries a token pair to the client and reads tokens back; one subclass per transport."""

    # Whether `Authorization: Bearer <access>` authenticates requests (JWTAuthentication).
    reads_bearer_header: bool = True
    # Whether tokens may travel in cookies: then `csrf/` is served (authn/urls.py).
    sets_cookies: bool = False
    # What the OpenAPI schema shows for the body of `token/refresh/` and `logout/` (None: no body),
    # and for the answers of a completed login and of a refresh.
    refresh_request_serializer: type[serializers.Serializer] | None = RefreshTokenRequestSerializer
    login_serializers: tuple[type[serializers.Serializer], ...] = (LoginCompleteSerializer,)
    refresh_serializers: tuple[type[serializers.Serializer], ...] = (TokenPairSerializer,)

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
    def login_response(self, request: Request, user: AbstractBaseUser, pair: TokenPair) -> Response:
        """The 200 answer of a completed login."""

    @abstractmethod
    def refresh_response(self, request: Request, pair: TokenPair) -> Response:
        """The 200 answer of `token/refresh/`."""

    def logout_response(self, request: Request) -> Response:
        """The 204 answer of `logout/` and `logout/all/`."""
        return Response(status=status.HTTP_204_NO_CONTENT)


class HeaderTransport(TokenTransport):
    """Tokens in JSON bodies; the client keeps them and sends `Authorization: Bearer <access>`."""

    def read_refresh_token(self, request: Request) -> str:
        serializer = RefreshTokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["refresh"]

    def login_response(self, request: Request, user: AbstractBaseUser, pair: TokenPair) -> Response:
        body = {
            "status": LOGIN_COMPLETE,
            "user": user,
            "access": pair.access,
            "refresh": pair.refresh,
            "token_type": BEARER,
            "expires_in": pair.expires_in,
        }
        return token_response(LoginCompleteSerializer(body, context={"request": request}).data)

    def refresh_response(self, request: Request, pair: TokenPair) -> Response:
        return token_response(TokenPairSerializer(pair).data)


class CookieTransport(TokenTransport):
    """Tokens in HttpOnly cookies only; bodies say who logged in and when the access token expires.

    A browser sends cookies with any request to this host, whichever page made it, so
    each use of a cookie needs Django's CSRF token (`X-CSRFToken`, from `GET csrf/`) and
    a same-site or trusted Origin; so does every login step, lest a cross-site page log
    the browser in to the attacker's account (login CSRF).
    """

    reads_bearer_header = False
    sets_cookies = True
    refresh_request_serializer = None
    login_serializers = (CookieLoginCompleteSerializer,)
    refresh_serializers = (TokenLifetimeSerializer,)

    def __init__(self) -> None:
        self.cookies = AuthCookies()

    def read_access_cookie(self, request: Request) -> str | None:
        token = self.cookies.read_access(request)
        if token is not None:
            enforce_csrf(request)
        return token

    def check_login_request(self, request: Request) -> None:
        enforce_csrf(request)

    def read_refresh_token(self, request: Request) -> str:
        # The body, though unused, must parse: a form or text/plain body, which a cross-site
        # page can send without a CORS preflight, is refused (415) before anything else.
        request.data  # noqa: B018 (parses the body)
        token = self.cookies.read_refresh(request)
        if token is None:
            raise exceptions.NotAuthenticated("No refresh token cookie was sent: log in again.")
        enforce_csrf(request)
        return token

    def login_response(self, request: Request, user: AbstractBaseUser, pair: TokenPair) -> Response:
        body = {"status": LOGIN_COMPLETE, "user": user, "expires_in": pair.expires_in}
        response = token_response(CookieLoginCompleteSerializer(body, context={"request": request}).data)
        self.cookies.set_tokens(response, pair)
        return response

    def refresh_response(self, request: Request, pair: TokenPair) -> Response:
        response = token_response(TokenLifetimeSerializer(pair).data)
        self.cookies.set_tokens(response, pair)
        return response

    def logout_response(self, request: Request) -> Response:
        response = super().logout_response(request)
        self.cookies.delete_tokens(response)
        return response


class HeaderOrCookieTransport(TokenTransport):
    """Either transport, per request (the `both` answer).

    A login answers with cookies, unless the request says `Prefer: token-transport=body`:
    then the tokens are in the body, as with HeaderTransport. Later requests may present
    a token either way; where both are present the header (or the body's `refresh`)
    wins, and the cookie is ignored, so one request never mixes two identities.
    """

    sets_cookies = True
    refresh_request_serializer = OptionalRefreshTokenRequestSerializer
    login_serializers = (LoginCompleteSerializer, CookieLoginCompleteSerializer)
    refresh_serializers = (TokenPairSerializer, TokenLifetimeSerializer)

    def __init__(self) -> None:
        self.header = HeaderTransport()
        self.cookie = CookieTransport()

    def for_login(self, request: Request) -> TokenTransport:
        """The transport the client asked for with `Prefer: token-transport=...` (cookies by default)."""
        return self.header if preferred_token_transport(request) == BODY else self.cookie

    def for_credential(self, request: Request) -> TokenTransport:
        """The transport of the credential the request presents: a Bearer header or a body `refresh` wins."""
        data = request.data
        if "HTTP_AUTHORIZATION" in request.META or (isinstance(data, dict) and "refresh" in data):
            return self.header
        return self.cookie

    def read_access_cookie(self, request: Request) -> str | None:
        return self.cookie.read_access_cookie(request)

    def check_login_request(self, request: Request) -> None:
        self.for_login(request).check_login_request(request)

    def read_refresh_token(self, request: Request) -> str:
        return self.for_credential(request).read_refresh_token(request)

    def login_response(self, request: Request, user: AbstractBaseUser, pair: TokenPair) -> Response:
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


def get_transport() -> TokenTransport:
    """The configured transport (GATEHOUSE["TOKEN_TRANSPORT"])."""
    return gatehouse_settings.TOKEN_TRANSPORT()


def complete_login(request: Request, user: AbstractBaseUser, scenario_key: str) -> Response:
    """End a successful login: issue a fresh token pair for `user` and answer through the transport.

    Sends Django's `user_logged_in`, whose receiver updates `last_login`. The
    caller has already checked the user's credentials and that the account is active.
    """
    pair = issue_tokens(user)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    logger.info("Login completed: user %s, scenario %s", user.pk, scenario_key)
    return get_transport().login_response(request, user, pair)
