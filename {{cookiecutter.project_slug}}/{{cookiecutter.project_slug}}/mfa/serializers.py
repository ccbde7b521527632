"""The request and answer shapes of the second-factor endpoints (`mfa/...`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..accounts.serializers import StrictCharField
from ..api.request_bodies import StrictSerializer
from . import totp


class StrictRegexField(serializers.RegexField):
    """A RegexField that takes JSON strings only: the number 123456 is not the code "123456"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class CredentialField(serializers.JSONField):
    """A PublicKeyCredential as the browser's `toJSON()` gives it: a JSON object, checked by py_webauthn."""

    default_error_messages = {"not_an_object": _("Expected a JSON object.")}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_an_object")
        return value


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

    secret = serializers.CharField(read_only=True, help_text=_("The base32 secret, for typing into an app."))
    otpauth_uri = serializers.CharField(read_only=True, help_text=_("The otpauth:// URI that the QR code holds."))
    qr_svg = serializers.CharField(read_only=True, help_text=_("An SVG image of the QR code, drawn by the server."))


class TotpConfirmSerializer(StrictSerializer):
    """The body of `totp/confirm/`: a code of the new secret, which turns TOTP on."""

    code = StrictRegexField(
        f"^{totp.CODE_PATTERN}$",
        min_length=totp.DIGITS,
        max_length=totp.DIGITS,
        write_only=True,
        trim_whitespace=False,
        help_text=_("The 6-digit code the authenticator app shows."),
    )


class RecoveryCodesSerializer(serializers.Serializer):
    """A new set of recovery codes, shown once: each works once, and the previous set no longer works."""

    recovery_codes = serializers.ListField(child=serializers.CharField(), read_only=True)


class PasskeyRegistrationSerializer(StrictSerializer):
    """The body of `passkeys/register/`: the browser's answer to the creation options, and a name for the passkey."""

    credential = CredentialField(
        write_only=True,
        help_text=_("The PublicKeyCredential of navigator.credentials.create(), as JSON (toJSON())."),
    )
    name = StrictCharField(max_length=64, write_only=True, help_text=_("How the user tells it from others."))
