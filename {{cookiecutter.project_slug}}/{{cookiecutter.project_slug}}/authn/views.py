"""The core's endpoints: `me/` (the authenticated user's own account) and `token/verify/`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework_simplejwt import views as simplejwt_views

from .authentication import JWTAuthentication, authenticated_user
from .conf import gatehouse_settings
from .errors import TokenNotValid
from .serializers import TokenVerifyRequestSerializer


class MeView(generics.RetrieveUpdateAPIView):
    """Read the authenticated user (`GET`) and change their name (`PATCH`).

    The fields come from GATEHOUSE["USER_SERIALIZER"]; with the default one only
    `first_name` and `last_name` can change; a body with any other field is refused.
    """

    permission_classes = [IsAuthenticated]
    # A partial update only: PUT would demand fields that clients cannot change.
    http_method_names = ["get", "patch", "head", "options"]

    def get_serializer_class(self) -> type[BaseSerializer]:
        return gatehouse_settings.USER_SERIALIZER

    def get_object(self) -> Any:
        return authenticated_user(self.request)


class TokenVerifyView(simplejwt_views.TokenVerifyView):
    """Say whether a token is a valid access token: 200 exactly when it would authenticate a request.

    Unlike simplejwt's view, which checks only the signature and expiry, this one
    refuses refresh tokens and tokens whose user is refused.
    """

    serializer_class = TokenVerifyRequestSerializer
    # The token is the body's, not the request's credentials (api/openapi.py).
    openapi_errors = (TokenNotValid,)

    @extend_schema(
        request=TokenVerifyRequestSerializer,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The token is a valid access token: `{}`.")},
    )
    def post(self, request: Request) -> Response:
        serializer = TokenVerifyRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        JWTAuthentication().validate(serializer.validated_data["token"])
        return Response({}, status=status.HTTP_200_OK)
