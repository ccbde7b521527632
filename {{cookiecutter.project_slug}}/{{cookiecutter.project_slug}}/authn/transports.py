"""How tokens travel between the API and its clients.

A transport writes the answers that carry tokens (a completed login, a refresh,
a logout) and reads the refresh token back from a request. GATEHOUSE["TOKEN_TRANSPORT"]
names the class; HeaderTransport sends tokens in JSON bodies, and the client sends its
access token in the `Authorization: Bearer` header.

`complete_login()` is where every login scenario ends: it issues the tokens and lets
the transport answer.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from django.contrib.auth.signals import user_logged_in
from django.utils.cache import add_never_cache_headers
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from .conf import gatehouse_settings
from .serializers import LoginCompleteSerializer, RefreshTokenRequestSerializer, TokenPairSerializer
from .tokens import TokenPair, issue_tokens

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

LOGIN_COMPLETE = "complete"
BEARER = "Bearer"


class TokenTransport(ABC):
    """Carries a token pair to the client and reads the refresh token back; one subclass per transport."""

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
        return self.token_response(LoginCompleteSerializer(body, context={"request": request}).data)

    def refresh_response(self, request: Request, pair: TokenPair) -> Response:
        return self.token_response(TokenPairSerializer(pair).data)

    @staticmethod
    def token_response(data: dict[str, Any]) -> Response:
        """A 200 that no cache keeps, since it carries tokens (RFC 6749 section 5.1)."""
        response = Response(data, status=status.HTTP_200_OK)
        add_never_cache_headers(response)
        return response


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
