"""The answer of `identities/` (a client service's remote/schemas.py describes it with the same fields)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .models import SocialIdentity


class SocialIdentitySerializer(serializers.ModelSerializer[SocialIdentity]):
    """One identity at an OpenID Connect provider, linked to the account."""

    provider_name = serializers.SerializerMethodField(help_text="How the provider's login scenario names it.")
    # Empty when the provider gave none, or one longer than an address can be.
    email = serializers.EmailField(read_only=True, allow_blank=True)
    created_at = serializers.DateTimeField(read_only=True)
    last_login_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = SocialIdentity
        fields = ("id", "provider", "provider_name", "subject", "email", "created_at", "last_login_at")
        read_only_fields = fields

    def get_provider_name(self, identity: SocialIdentity) -> str:
        """The provider's `name`; its key when the settings no longer have it."""
        names: dict[str, str] = self.context.get("provider_names", {})
        return names.get(identity.provider, identity.provider)


class SocialIdentityListSerializer(serializers.Serializer[Any]):
    """`{"identities": [...]}`, oldest first."""

    identities = SocialIdentitySerializer(many=True, read_only=True)
