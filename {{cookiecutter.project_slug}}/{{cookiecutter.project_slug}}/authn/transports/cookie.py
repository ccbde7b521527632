"""Tokens in HttpOnly cookies only, with Django's CSRF protection on every use of a cookie."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from ...api.request_bodies import check_body
from ..errors import CsrfFailed
from ..serializers import CookieLoginCompleteSerializer, TokenLifetimeSerializer
from .base import LOGIN_COMPLETE, TokenTransport, token_response
from .cookies import AuthCookies
from .csrf import enforce_csrf

if TYPE_CHECKING:
    from ...users.models import User
    from ..tokens import TokenPair


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
    login_serializer = CookieLoginCompleteSerializer
    refresh_serializers = (TokenLifetimeSerializer,)
    cookie_request_errors = (CsrfFailed,)
    refresh_request_errors = (exceptions.NotAuthenticated,)

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
        # page can send without a CORS preflight, is refused (415) before anything else; and
        # it takes no field (a `refresh` in it is refused, never quietly preferred to the cookie).
        check_body(request.data, fields=())
        token = self.cookies.read_refresh(request)
        if token is None:
            raise exceptions.NotAuthenticated("No refresh token cookie was sent: log in again.")
        enforce_csrf(request)
        return token

    def login_response(self, request: Request, user: User, pair: TokenPair) -> Response:
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
