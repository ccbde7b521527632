"""`GET csrf/`: the CSRF token that requests authenticated by a cookie must send back."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class CsrfTokenSerializer(serializers.Serializer):
    """The answer of `csrf/`."""

    csrf = serializers.CharField(read_only=True, help_text="Send it back as the `X-CSRFToken` header.")


class CsrfTokenView(APIView):
    """Hand out a CSRF token in the body and set the `csrftoken` cookie it pairs with.

    With the cookie transport, every login step, refresh and logout, and every unsafe
    request that the access cookie authenticates, sends this token as `X-CSRFToken`.
    The token is in the body because a frontend served from another host of the same
    site cannot read this host's cookie. Served only when tokens may travel in cookies.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses=CsrfTokenSerializer)
    def get(self, request: Request) -> Response:
        """Answer `{"csrf": "<token>"}`; CsrfViewMiddleware sets the `csrftoken` cookie on the way out."""
        response = Response(CsrfTokenSerializer({"csrf": get_token(request)}).data)
        # The token is per browser: no shared cache may hand it to another.
        add_never_cache_headers(response)
        return response
