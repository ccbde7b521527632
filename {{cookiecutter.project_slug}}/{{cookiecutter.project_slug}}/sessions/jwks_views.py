"""`GET /.well-known/jwks.json`: the public keys client services verify this service's tokens with."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..authn.conf import gatehouse_settings
from .jwks import published_jwks


class JWKSView(APIView):
    """The JSON Web Key Set (RFC 7517): public keys only, each named by its `kid`.

    Cacheable by anybody for GATEHOUSE["JWKS_MAX_AGE"]: client services fetch it again
    when a token names a `kid` they do not know, so a short max-age only bounds how
    long a retired key stays in caches.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, auth=[])
    def get(self, request: Request) -> Response:
        response = Response(published_jwks())
        max_age = int(gatehouse_settings.JWKS_MAX_AGE.total_seconds())
        response["Cache-Control"] = f"public, max-age={max_age}"
        return response
