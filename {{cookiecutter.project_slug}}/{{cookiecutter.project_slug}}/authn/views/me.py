"""`me/`: the authenticated user's own account."""

from __future__ import annotations

from typing import Any

from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.serializers import BaseSerializer

from ..authentication import authenticated_user
from ..conf import gatehouse_settings


class MeView(generics.RetrieveUpdateAPIView):
    """Read the authenticated user (`GET`) and change their name (`PATCH`).

    The fields come from GATEHOUSE["USER_SERIALIZER"]; with the default one only
    `first_name` and `last_name` can change, and any other field sent is ignored.
    """

    permission_classes = [IsAuthenticated]
    # A partial update only: PUT would demand fields that clients cannot change.
    http_method_names = ["get", "patch", "head", "options"]

    def get_serializer_class(self) -> type[BaseSerializer]:
        return gatehouse_settings.USER_SERIALIZER

    def get_object(self) -> Any:
        return authenticated_user(self.request)
