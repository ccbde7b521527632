"""How the OpenAPI schema describes the proxied endpoints: as the auth service's own schema does.

The login options and answers and the token answers are the core's serializers
(authn/serializers.py, through the configured transport), which both services have.
The account and session bodies are declared by the auth service's apps (accounts/,
sessions/), which a client service does not have: they are declared again here, for the schema only (the auth
service reads and checks the bodies), with the same component names and fields. The
template's tests/test_remote_split.py compares both services' schemas, so the two
cannot drift apart unseen.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers

from ..api.request_bodies import StrictSerializer
from ..authn.conf import gatehouse_settings
from ..authn.serializers import LOGIN_ANSWER_DESCRIPTION, login_answer_serializer
from ..users.managers import EMAIL_MAX_LENGTH

NAME_MAX_LENGTH = 150
# The schema describes the transport configured when it is generated, as the auth service's does.
TRANSPORT = gatehouse_settings.TOKEN_TRANSPORT


def email_field(*, required: bool = True) -> serializers.EmailField:
    return serializers.EmailField(max_length=EMAIL_MAX_LENGTH, required=required)


def password_field() -> serializers.CharField:
    return serializers.CharField(write_only=True, trim_whitespace=False)


# The bodies of the account endpoints (accounts/serializers.py on the auth service).


class RegisterSerializer(StrictSerializer):
    """The body of `register/`."""

    email = email_field()
    password = password_field()
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH, default="")


class EmailRequestSerializer(StrictSerializer):
    """The body of `register/resend/` and `password/reset/`."""

    email = email_field()


class LinkSerializer(StrictSerializer):
    """The body of `register/activate/`: the `uid` and `token` of the emailed link."""

    # Any text: the auth service answers `activation_link_invalid` (or its link's code) for a bad one.
    uid = serializers.CharField(allow_blank=True, trim_whitespace=False)
    token = serializers.CharField(allow_blank=True, trim_whitespace=False)


class PasswordResetConfirmSerializer(LinkSerializer):
    """The body of `password/reset/confirm/`: the link's `uid` and `token`, and the new password."""

    password = password_field()


class PasswordValidateSerializer(StrictSerializer):
    """The body of `password/validate/`: a password, and the email it is for (for the similarity rule)."""

    password = password_field()
    email = email_field(required=False)


class PasswordChangeSerializer(StrictSerializer):
    """The body of `password/change/`."""

    old_password = password_field()
    new_password = password_field()
{%- if cookiecutter.use_mfa == "y" %}


# A TOTP code or a recovery code (mfa/factors.py on the auth service).
SECOND_FACTOR_CODE_PATTERN = "^(?:[0-9]{6}|[A-Za-z0-9]{5}-?[A-Za-z0-9]{5})$"
{%- endif %}


class ReauthenticateSerializer(StrictSerializer):
    """The body of `reauthenticate/`: the password, or the field of one registered factor (such as `code`)."""
    {%- if cookiecutter.use_mfa == "y" %}

    password = serializers.CharField(write_only=True, trim_whitespace=False, required=False)
    code = serializers.RegexField(
        SECOND_FACTOR_CODE_PATTERN,
        min_length=6,
        max_length=11,
        required=False,
        write_only=True,
        trim_whitespace=False,
        help_text="A TOTP code or a recovery code, instead of the password.",
    )
    credential = serializers.JSONField(
        required=False,
        write_only=True,
        help_text="A passkey's answer (the PublicKeyCredential of navigator.credentials.get(), as JSON) to the "
        "options of mfa/passkeys/reauthenticate/options/, instead of the password.",
    )
    {%- else %}

    password = password_field()
    {%- endif %}


class EmailChangeSerializer(StrictSerializer):
    """The body of `email/change/`."""

    new_email = email_field()


class AccountDeleteSerializer(StrictSerializer):
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


# The answer of `identities/` (social/serializers.py on an auth service with social login).


class SocialIdentitySerializer(serializers.Serializer):
    """One identity at an OpenID Connect provider, linked to the account."""

    id = serializers.UUIDField(read_only=True)
    provider = serializers.CharField(read_only=True)
    provider_name = serializers.CharField(
        read_only=True, allow_blank=True, help_text="How the provider's login scenario names it."
    )
    subject = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True, allow_blank=True)
    created_at = serializers.DateTimeField(read_only=True)
    last_login_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SocialIdentityListSerializer(serializers.Serializer):
    """`{"identities": [...]}`, oldest first."""

    identities = SocialIdentitySerializer(many=True, read_only=True)


EMPTY = OpenApiResponse(OpenApiTypes.OBJECT, description="`{}`")
LOGIN_ANSWER = OpenApiResponse(
    login_answer_serializer(TRANSPORT.login_serializer),
    description=LOGIN_ANSWER_DESCRIPTION,
)
REFRESH_ANSWER = (
    TRANSPORT.refresh_serializers[0]
    if len(TRANSPORT.refresh_serializers) == 1
    else PolymorphicProxySerializer(
        component_name="RefreshAnswer", serializers=list(TRANSPORT.refresh_serializers), resource_type_field_name=None
    )
)
REFRESH_REQUEST = TRANSPORT.refresh_request_serializer
{%- if cookiecutter.use_mfa == "y" %}


# The bodies and answers of second factors (mfa/serializers.py on the auth service).


class TotpStatusSerializer(serializers.Serializer):
    """Whether the user's TOTP is on."""

    enabled = serializers.BooleanField(read_only=True)


class RecoveryCodesStatusSerializer(serializers.Serializer):
    """How many recovery codes the user has left."""

    remaining = serializers.IntegerField(read_only=True)


class PasskeySerializer(serializers.Serializer):
    """A passkey as `mfa/` lists it."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SecondFactorsSerializer(serializers.Serializer):
    """The answer of `GET mfa/`: the user's second factors, without any secret."""

    totp = TotpStatusSerializer(read_only=True)
    recovery_codes = RecoveryCodesStatusSerializer(read_only=True)
    passkeys = PasskeySerializer(many=True, read_only=True)


class TotpSetupSerializer(serializers.Serializer):
    """The answer of `totp/setup/`: the new secret, as text, as a URI and as a QR code."""

    secret = serializers.CharField(read_only=True, help_text="The base32 secret, for typing into an app.")
    otpauth_uri = serializers.CharField(read_only=True, help_text="The otpauth:// URI that the QR code holds.")
    qr_svg = serializers.CharField(read_only=True, help_text="An SVG image of the QR code, drawn by the server.")


class TotpConfirmSerializer(StrictSerializer):
    """The body of `totp/confirm/`: a code of the new secret, which turns TOTP on."""

    code = serializers.RegexField(
        "^[0-9]{6}$",
        min_length=6,
        max_length=6,
        write_only=True,
        trim_whitespace=False,
        help_text="The 6-digit code the authenticator app shows.",
    )


class RecoveryCodesSerializer(serializers.Serializer):
    """A new set of recovery codes, shown once: each works once, and the previous set no longer works."""

    recovery_codes = serializers.ListField(child=serializers.CharField(), read_only=True)


class PasskeyRegistrationSerializer(StrictSerializer):
    """The body of `passkeys/register/`: the browser's answer to the creation options, and a name for the passkey."""

    credential = serializers.JSONField(
        write_only=True,
        help_text="The PublicKeyCredential of navigator.credentials.create(), as JSON (toJSON()).",
    )
    name = serializers.CharField(max_length=64, write_only=True, help_text="How the user tells it from others.")
{%- endif %}
