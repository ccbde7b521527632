"""Tokens in JSON bodies; the client keeps them and sends `Authorization: Bearer <access>`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.response import Response

from ..serializers import LoginCompleteSerializer, RefreshTokenRequestSerializer, TokenPairSerializer
from .base import BEARER, LOGIN_COMPLETE, TokenTransport, token_response

if TYPE_CHECKING:
    from ...users.models import User
    from ..tokens import TokenPair


class HeaderTransport(TokenTransport):
    """Tokens in JSON bodies; the client keeps them and sends `Authorization: Bearer <access>`."""

    def read_refresh_token(self, request: Request) -> str:
        serializer = RefreshTokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["refresh"]

    def login_response(self, request: Request, user: User, pair: TokenPair) -> Response:
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
