"""The request and answer shapes of the token endpoints and of `me/`.

The answers are described by serializers (rather than built as dicts) so that the
OpenAPI schema and the responses cannot disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from rest_framework import serializers

from ..api.request_bodies import StrictSerializer
from .conf import gatehouse_settings

if TYPE_CHECKING:
    from django.contrib.auth.models import Group


class UserSerializer(StrictSerializer, serializers.ModelSerializer):
    """The user as clients see it, in a completed login and in `me/`.

    Only `first_name` and `last_name` can be changed through it: the email is the
    login and changes through its own confirmed flow, and permissions never change
    through the API. A body with any other field is refused (`unexpected_field`).
    Swap it with GATEHOUSE["USER_SERIALIZER"]; keep StrictSerializer as the first base.
    """

    groups: serializers.SlugRelatedField[Group] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )

    class Meta:
        model = get_user_model()
        fields = ("id", "email", "first_name", "last_name", "groups")
        read_only_fields = ("id", "email", "groups")


class RefreshTokenRequestSerializer(StrictSerializer):
    """The body of `token/refresh/` and `logout/` with the header transport."""

    refresh = serializers.CharField(write_only=True, trim_whitespace=False)


class TokenVerifyRequestSerializer(StrictSerializer):
    """The body of `token/verify/`."""

    token = serializers.CharField(write_only=True, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    """The answer of `token/refresh/` with the header transport: a new access token and the rotated refresh token."""

    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class LoginCompleteSerializer(serializers.Serializer):
    """The answer of a login's last step with the header transport: the user and a fresh token pair."""

    status = serializers.CharField(read_only=True, help_text='Always "complete".')
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)
    token_type = serializers.CharField(read_only=True, help_text='Always "Bearer".')
    expires_in = serializers.IntegerField(read_only=True, help_text="Seconds until the access token expires.")

    def get_fields(self) -> dict[str, serializers.Field]:
        # The user serializer is a setting, so it is looked up when the fields are built.
        fields = super().get_fields()
        return {"status": fields.pop("status"), "user": gatehouse_settings.USER_SERIALIZER(read_only=True), **fields}


class OptionalRefreshTokenRequestSerializer(StrictSerializer):
    """The body of `token/refresh/` and `logout/` when tokens may travel either way: `refresh`, or none for the cookie."""

    refresh = serializers.CharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        help_text="The refresh token; leave it out to use the refresh cookie (which then needs the CSRF token).",
    )


class TokenLifetimeSerializer(serializers.Serializer):
    """The answer of `token/refresh/` with the cookie transport: the tokens are in cookies, never in the body."""

    expires_in = serializers.IntegerField(read_only=True, help_text="Seconds until the new access token expires.")


class CookieLoginCompleteSerializer(serializers.Serializer):
    """The answer of a login's last step with the cookie transport: the user; the tokens are in cookies."""

    status = serializers.CharField(read_only=True, help_text='Always "complete".')
    expires_in = serializers.IntegerField(read_only=True, help_text="Seconds until the access token expires.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"status": fields.pop("status"), "user": gatehouse_settings.USER_SERIALIZER(read_only=True), **fields}
