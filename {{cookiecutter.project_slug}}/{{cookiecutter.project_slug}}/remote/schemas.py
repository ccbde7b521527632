"""How the OpenAPI schema describes the proxied endpoints: as the auth service's own schema does.

The login and token answers are the core's serializers (authn/serializers.py, through
the configured transport), which both services have. The account bodies and the login
options are declared by the auth service's apps (accounts/, login/), which a client
service does not have: they are declared again here, for the schema only (the auth
service reads and checks the bodies), with the same component names and fields. The
template's tests/test_remote_split.py compares both services' schemas, so the two
cannot drift apart unseen.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from drf_standardized_errors.openapi_serializers import (
    ErrorResponse401Serializer,
    ErrorResponse404Serializer,
    ServerErrorEnum,
)
from rest_framework import serializers

from ..authn.conf import gatehouse_settings
from ..users.managers import EMAIL_MAX_LENGTH
from .errors import AUTH_SERVICE_ERROR, AUTH_SERVICE_UNAVAILABLE

NAME_MAX_LENGTH = 150
# The schema describes the transport configured when it is generated, as the auth service's does.
TRANSPORT = gatehouse_settings.TOKEN_TRANSPORT


def email_field(*, required: bool = True) -> serializers.EmailField:
    return serializers.EmailField(max_length=EMAIL_MAX_LENGTH, required=required)


def password_field() -> serializers.CharField:
    return serializers.CharField(write_only=True, trim_whitespace=False)


# The answers of `options/` and of an unfinished login (login/views.py on the auth service).


class LoginStepSerializer(serializers.Serializer):
    """A step as `options/` lists it."""

    key = serializers.CharField(read_only=True)
    schema = serializers.JSONField(read_only=True, help_text="The JSON Schema of the step's input.")


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

    status = serializers.CharField(read_only=True, help_text='Always "needs_step".')
    flow = serializers.CharField(read_only=True, help_text='The token to send as "flow" with the next step.')
    next_step = serializers.CharField(read_only=True)
    schema = serializers.JSONField(read_only=True, help_text="The JSON Schema of the next step's input.")
    expires_in = serializers.IntegerField(read_only=True, help_text="Seconds left to finish the flow.")


# The bodies of the account endpoints (accounts/serializers.py on the auth service).


class RegisterSerializer(serializers.Serializer):
    """The body of `register/`."""

    email = email_field()
    password = password_field()
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH, default="")


class EmailRequestSerializer(serializers.Serializer):
    """The body of `register/resend/` and `password/reset/`."""

    email = email_field()


class LinkSerializer(serializers.Serializer):
    """The body of `register/activate/`: the `uid` and `token` of the emailed link."""

    uid = serializers.CharField()
    token = serializers.CharField()


class PasswordResetConfirmSerializer(LinkSerializer):
    """The body of `password/reset/confirm/`: the link's `uid` and `token`, and the new password."""

    password = password_field()


class PasswordValidateSerializer(serializers.Serializer):
    """The body of `password/validate/`: a password, and the email it is for (for the similarity rule)."""

    password = password_field()
    email = email_field(required=False)


class PasswordChangeSerializer(serializers.Serializer):
    """The body of `password/change/`."""

    old_password = password_field()
    new_password = password_field()


class ReauthenticateSerializer(serializers.Serializer):
    """The body of `reauthenticate/`."""

    password = password_field()


class EmailChangeSerializer(serializers.Serializer):
    """The body of `email/change/`."""

    new_email = email_field()


class AccountDeleteSerializer(serializers.Serializer):
    """The body of `me/delete/`."""

    password = password_field()


# The answer of `sessions/` (sessions/serializers.py on the auth service).


class SessionSerializer(serializers.Serializer):
    """One session: one login, with where it was last used from; `current` is the request's own."""

    id = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    last_used_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, help_text="When the session ends unless it is refreshed.")
    scenario = serializers.CharField(read_only=True)
    ip = serializers.IPAddressField(read_only=True, allow_null=True, help_text="Where it was last used from.")
    user_agent = serializers.CharField(read_only=True)
    current = serializers.BooleanField(
        read_only=True, help_text="Whether the request's own token belongs to this session."
    )


class SessionListSerializer(serializers.Serializer):
    """`{"sessions": [...]}`, newest first."""

    sessions = SessionSerializer(many=True, read_only=True)


# What only the proxy answers: the auth service failed (502) or did not answer (503).


class AuthServiceErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[AUTH_SERVICE_ERROR])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class AuthServiceErrorResponseSerializer(serializers.Serializer):
    """502: the auth service answered with a server error, or with what is not an answer of ours."""

    type = serializers.ChoiceField(choices=ServerErrorEnum.choices)
    # The API's error shape names its list `errors`, which the stubs know as Serializer.errors.
    errors = AuthServiceErrorSerializer(many=True)  # type: ignore[assignment]


class AuthServiceUnavailableSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[AUTH_SERVICE_UNAVAILABLE])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class AuthServiceUnavailableResponseSerializer(serializers.Serializer):
    """503: the auth service did not answer within AUTH_SERVICE_TIMEOUT."""

    type = serializers.ChoiceField(choices=ServerErrorEnum.choices)
    errors = AuthServiceUnavailableSerializer(many=True)  # type: ignore[assignment]


EMPTY = OpenApiResponse(OpenApiTypes.OBJECT, description="`{}`")
TOKEN_NOT_VALID = OpenApiResponse(
    ErrorResponse401Serializer, description="The token is invalid, expired, revoked or of the wrong type."
)
SESSION_NOT_FOUND = OpenApiResponse(
    ErrorResponse404Serializer, description="`session_not_found`: no live session of yours has this id."
)
PROXY_ERRORS = {
    502: OpenApiResponse(AuthServiceErrorResponseSerializer, description="`auth_service_error`"),
    503: OpenApiResponse(AuthServiceUnavailableResponseSerializer, description="`auth_service_unavailable`"),
}
LOGIN_ANSWER = OpenApiResponse(
    PolymorphicProxySerializer(
        component_name="LoginAnswer",
        serializers=[LoginNeedsStepSerializer, *TRANSPORT.login_serializers],
        resource_type_field_name=None,
    ),
    description='`"status": "needs_step"` while steps remain; after the last one, `"status": "complete"` '
    "with the user, and the tokens in the body or in the `access_token` and `refresh_token` cookies "
    "(HttpOnly), as the token transport says.",
)
REFRESH_ANSWER = (
    TRANSPORT.refresh_serializers[0]
    if len(TRANSPORT.refresh_serializers) == 1
    else PolymorphicProxySerializer(
        component_name="RefreshAnswer", serializers=list(TRANSPORT.refresh_serializers), resource_type_field_name=None
    )
)
REFRESH_REQUEST = TRANSPORT.refresh_request_serializer
