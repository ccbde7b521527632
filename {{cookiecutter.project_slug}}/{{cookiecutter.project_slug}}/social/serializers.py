"""The answer of `identities/`."""

from __future__ import annotations

from rest_framework import serializers

from .models import SocialIdentity


class SocialIdentitySerializer(serializers.ModelSerializer):
    """One linked identity; `provider_name` is how the provider's scenario names it to people."""

    provider_name = serializers.SerializerMethodField()

    class Meta:
        model = SocialIdentity
        fields = ("id", "provider", "provider_name", "subject", "email", "created_at", "last_login_at")
        read_only_fields = fields

    def get_provider_name(self, identity: SocialIdentity) -> str:
        """The provider's `name`; its key when the settings no longer have it."""
        names: dict[str, str] = self.context.get("provider_names", {})
        return names.get(identity.provider, identity.provider)


class SocialIdentityListSerializer(serializers.Serializer):
    """The answer of `GET identities/`."""

    identities = SocialIdentitySerializer(many=True, read_only=True)
