"""`GET /.well-known/jwks.json`: the public keys client services verify this service's tokens with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..authn.conf import gatehouse_settings
from .jwks import published_jwks


class JWKSetRenderer(JSONRenderer):
    """JSON under the JWK Set media type (RFC 7517 section 8.5), for the clients that ask for it by name."""

    media_type = "application/jwk-set+json"


class JSONUnlessJWKSetNegotiation(DefaultContentNegotiation):
    """The renderer the `Accept` header prefers, and plain JSON when it names neither: public keys are never a 406."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


class JWKSView(APIView):
    """The JSON Web Key Set (RFC 7517): public keys only, each named by its `kid`.

    Cacheable by anybody for GATEHOUSE["JWKS_MAX_AGE"]: client services fetch it again
    when a token names a `kid` they do not know, so a short max-age only bounds how
    long a retired key stays in caches. Readable from any origin (CORS `*`, never with
    credentials), so that code in a browser can verify tokens too.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, JWKSetRenderer]
    content_negotiation_class = JSONUnlessJWKSetNegotiation

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, auth=[])
    def get(self, request: Request) -> Response:
        response = Response(published_jwks())
        max_age = int(gatehouse_settings.JWKS_MAX_AGE.total_seconds())
        response["Cache-Control"] = f"public, max-age={max_age}"
        return response

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        """Every answer may be read cross-origin, and caches keep one per media type asked for."""
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        patch_vary_headers(response, ["Accept"])
        return response
