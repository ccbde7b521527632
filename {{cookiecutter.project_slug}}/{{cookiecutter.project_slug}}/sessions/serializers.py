"""The answer of `GET sessions/`: the user's live sessions, as DESIGN section 6 fixes the fields."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..authn.tokens import SESSION_ID_CLAIM
from .models import RefreshFamily


class SessionSerializer(serializers.ModelSerializer[RefreshFamily]):
    """One session: one login, with where it was last used from; `current` is the request's own."""

    created_at = serializers.DateTimeField(source="started_at", read_only=True)
    expires_at = serializers.DateTimeField(
        source="refresh_expires_at", read_only=True, help_text="When the session ends unless it is refreshed."
    )
    ip = serializers.IPAddressField(read_only=True, allow_null=True, help_text="Where it was last used from.")
    current = serializers.SerializerMethodField(help_text="Whether the request's own token belongs to this session.")

    class Meta:
        model = RefreshFamily
        fields = ("id", "created_at", "last_used_at", "expires_at", "scenario", "ip", "user_agent", "current")
        read_only_fields = fields

    def get_current(self, family: RefreshFamily) -> bool:
        token: Any = self.context["request"].auth
        return token is not None and token.get(SESSION_ID_CLAIM) == family.pk


class SessionListSerializer(serializers.Serializer[Any]):
    """`{"sessions": [...]}`, newest first."""

    sessions = SessionSerializer(many=True, read_only=True)


class SessionEndQuerySerializer(serializers.Serializer[Any]):
    """The query of `DELETE sessions/<id>/`."""

    forget_device = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Also forget the device of the session's login, so that its next password login asks for an emailed "
            "code again (with device trust on)."
        ),
    )
