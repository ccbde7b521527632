"""The request and answer shapes of the token endpoints and of `me/`.

The answers are described by serializers (rather than built as dicts) so that the
OpenAPI schema and the responses cannot disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from ..api.request_bodies import StrictSerializer
from .conf import gatehouse_settings

if TYPE_CHECKING:
    from django.contrib.auth.models import Group


class NameField(serializers.CharField):
    """A name: a JSON string (DRF's CharField would take the number 0 as "0")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


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

    def build_standard_field(
        self, field_name: str, model_field: Any
    ) -> tuple[type[serializers.Field], dict[str, Any]]:
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if field_class is serializers.CharField:
            field_class = NameField
        return field_class, field_kwargs


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


# The `status` of a login answer: the field that tells its two kinds apart (a discriminator in the schema).
LOGIN_NEEDS_STEP = "needs_step"
LOGIN_COMPLETE = "complete"
BEARER = "Bearer"


class LoginStepSerializer(serializers.Serializer):
    """A step as `options/` lists it."""

    key = serializers.CharField(read_only=True)
    schema = serializers.JSONField(
        read_only=True, help_text='The JSON Schema of the step\'s body (its fields, and "flow" after the first step).'
    )


class LoginScenarioSerializer(serializers.Serializer):
    """A scenario as `options/` lists it."""

    key = serializers.CharField(read_only=True, help_text="The `<scenario>` of `login/<scenario>/`.")
    name = serializers.CharField(read_only=True)
    steps = LoginStepSerializer(many=True, read_only=True)


class LoginOptionsSerializer(serializers.Serializer):
    """The answer of `options/`."""

    scenarios = LoginScenarioSerializer(many=True, read_only=True)


class LoginNeedsStepSerializer(serializers.Serializer):
    """The answer of `login/<scenario>/` while steps remain."""

    status = serializers.ChoiceField(choices=[LOGIN_NEEDS_STEP], read_only=True)
    flow = serializers.CharField(read_only=True, help_text='The token to send as "flow" with the next step.')
    next_step = serializers.CharField(read_only=True)
    schema = serializers.JSONField(
        read_only=True, help_text='The JSON Schema of the next step\'s body (its fields and "flow").'
    )
    expires_in = serializers.IntegerField(read_only=True, help_text="Seconds left to finish the flow.")
    # Not read_only: the schema would then list it as required, and most steps' answers have none.
    authorization_url = serializers.URLField(
        required=False,
        help_text="Only when the next step is answered at another site (an OpenID Connect provider's sign-in): "
        "where to send the browser; it comes back to the step's `redirect_uri` with what the next step takes.",
    )
    # Not read-only, so that the schema does not require it: only some steps have options.
    options = serializers.JSONField(
        required=False,
        help_text="What the next step needs besides its schema, for the steps that have any: the WebAuthn "
        "request options (`publicKey` of `navigator.credentials.get()`) of a passkey step.",
    )


class LoginCompleteSerializer(serializers.Serializer):
    """The answer of a login's last step with the header transport: the user and a fresh token pair."""

    status = serializers.ChoiceField(choices=[LOGIN_COMPLETE], read_only=True)
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)
    token_type = serializers.ChoiceField(choices=[BEARER], read_only=True)
    expires_in = serializers.IntegerField(read_only=True, help_text="Seconds until the access token expires.")
    # Not read_only: the schema would then list it as required in every answer.
    device_token = serializers.CharField(
        required=False,
        help_text="With device trust on (GATEHOUSE['DEVICE_TRUST']): the device's token, to send in the "
        "Device-Token header of its next logins.",
    )

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

    status = serializers.ChoiceField(choices=[LOGIN_COMPLETE], read_only=True)
    expires_in = serializers.IntegerField(read_only=True, help_text="Seconds until the access token expires.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {"status": fields.pop("status"), "user": gatehouse_settings.USER_SERIALIZER(read_only=True), **fields}


class HeaderOrCookieLoginCompleteSerializer(LoginCompleteSerializer):
    """The answer of a login's last step when tokens may travel either way: the tokens are in the body
    only when the request said `Prefer: token-transport=body`, else in cookies."""

    # Not read-only, so that the schema does not require them; this serializer only ever writes answers.
    access = serializers.CharField(required=False, help_text="With `Prefer: token-transport=body` only.")
    refresh = serializers.CharField(required=False, help_text="With `Prefer: token-transport=body` only.")
    token_type = serializers.ChoiceField(
        choices=[BEARER], required=False, help_text="With `Prefer: token-transport=body` only."
    )


def login_answer_serializer(complete: type[serializers.Serializer]) -> PolymorphicProxySerializer:
    """The schema of a login step's 200: `needs_step` or `complete` (`complete` described by `complete`),
    a union told apart by `status`."""
    return PolymorphicProxySerializer(
        component_name="LoginAnswer",
        serializers={LOGIN_NEEDS_STEP: LoginNeedsStepSerializer, LOGIN_COMPLETE: complete},
        resource_type_field_name="status",
    )


# What the 200 of a login step says, on the service that runs the login and on a client service that proxies it.
LOGIN_ANSWER_DESCRIPTION = (
    '`"status": "needs_step"` while steps remain; after the last one, `"status": "complete"` with the user, '
    "and the tokens in the body or in the `access_token` and `refresh_token` cookies (HttpOnly), as the token "
    "transport says."
)
