"""The request bodies of the account endpoints (views.py, registration_views.py).

Only the fields declared here are taken: a body with anything else (`is_active`,
`is_staff`, `password` hashes, ids...) is refused with one `unexpected_field` error
(api/request_bodies.py), so no request can set what the endpoint does not offer. Text fields take JSON strings only: a number or a list where
text is expected is refused (`invalid`), never turned into text.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..api.request_bodies import StrictSerializer
from ..authn.conf import gatehouse_settings
from ..authn.errors import EMAIL_INVALID
from ..users.managers import EMAIL_INVALID_MESSAGE, EMAIL_MAX_LENGTH, EmailAddressInvalid, normalize_email
from .reauthentication import FACTORS

# Control characters (CR and LF above all: how mail headers are injected) and the Unicode
# line and paragraph separators, which some log viewers and mail clients break lines at.
CONTROL_CHARACTERS = frozenset([*map(chr, range(0x20)), "\x7f", "\u2028", "\u2029"])
NAME_MAX_LENGTH = 150


def contains_control_characters(text: str) -> bool:
    """Whether `text` holds a character that has no place in an address or a name."""
    return not CONTROL_CHARACTERS.isdisjoint(text)


class StrictCharField(serializers.CharField):
    """A CharField that takes JSON strings only, without control characters."""

    default_error_messages = {"control_characters": _("This value may not contain control characters.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if contains_control_characters(data):
            self.fail("control_characters")
        return super().to_internal_value(data)


class EmailAddressField(serializers.EmailField):
    """An email address, read into its canonical form (users/managers.py `normalize_email()`).

    A JSON string with no control characters, at most EMAIL_MAX_LENGTH characters, that
    has a canonical form which Django's EmailValidator accepts; anything else is refused
    with `email_invalid` before any account is looked up, so the answer never depends
    on one. Control characters are refused before surrounding spaces are trimmed, so
    that `"bob@example.com\\r\\nBcc: ..."` is refused whole rather than cut.
    """

    default_error_messages = {**StrictCharField.default_error_messages, EMAIL_INVALID: EMAIL_INVALID_MESSAGE}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if contains_control_characters(data):
            self.fail("control_characters")
        limit = self.max_length or EMAIL_MAX_LENGTH
        if len(data.strip()) > limit:
            self.fail("max_length", max_length=limit)
        try:
            email = normalize_email(data)
            # On the canonical form, so that a full-width or IDN spelling of a good address passes.
            validate_email(email)
        except (EmailAddressInvalid, DjangoValidationError):
            self.fail(EMAIL_INVALID)
        return email


class PasswordField(serializers.CharField):
    """A password: a JSON string, never trimmed or echoed, and refused above PASSWORD_MAX_LENGTH characters.

    The length is checked before anything else looks at the value, so a huge password
    costs no hashing. Characters are counted as code points, not bytes. Control
    characters are refused: no keyboard types them, and they are how a password pasted
    from elsewhere carries garbage.
    """

    default_error_messages = StrictCharField.default_error_messages

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("write_only", True)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("style", {"input_type": "password"})
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        limit = gatehouse_settings.PASSWORD_MAX_LENGTH
        if len(data) > limit:
            self.fail("max_length", max_length=limit)
        if contains_control_characters(data):
            self.fail("control_characters")
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.STR)
class LinkPartField(serializers.Field):
    """The `uid` or `token` of an emailed link, taken as any string.

    Whatever text it holds (bad base64, a NUL, ten kilobytes), the view refuses it with
    the link's own error code, so that every bad link gets one answer.
    """

    default_error_messages = {"invalid": _("Not a valid string.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> str:
        return str(value)
{%- if cookiecutter.use_registration == "y" %}


class RegisterSerializer(StrictSerializer):
    """The body of `register/`."""

    email = EmailAddressField()
    password = PasswordField()
    first_name = StrictCharField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH, default="")
    last_name = StrictCharField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH, default="")
{%- endif %}


class EmailRequestSerializer(StrictSerializer):
    """The body of `register/resend/` and `password/reset/`."""

    email = EmailAddressField()


class LinkSerializer(StrictSerializer):
    """The body of `register/activate/`: the `uid` and `token` of the emailed link."""

    uid = LinkPartField()
    token = LinkPartField()


class PasswordResetConfirmSerializer(LinkSerializer):
    """The body of `password/reset/confirm/`: the link's `uid` and `token`, and the new password."""

    password = PasswordField()


class PasswordValidateSerializer(StrictSerializer):
    """The body of `password/validate/`: a password, and the email it is for (for the similarity rule)."""

    password = PasswordField()
    email = EmailAddressField(required=False)


# With factors besides the password (accounts/reauthentication.py), a `reauthenticate/` body holds exactly one.
ONE_ANSWER_REQUIRED = "one_answer_required"


class ReauthenticateSerializer(StrictSerializer):
    """The body of `reauthenticate/`: the password, or the field of one registered factor (such as `code`)."""

    password = PasswordField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if FACTORS:
            fields["password"] = PasswordField(required=False)
            for factor in FACTORS.values():
                fields[factor.field] = factor.serializer_field()
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if len(attrs) != 1:
            names = ", ".join(["password", *FACTORS])
            raise serializers.ValidationError(f"Send exactly one of: {names}.", code=ONE_ANSWER_REQUIRED)
        return attrs


class EmailChangeSerializer(StrictSerializer):
    """The body of `email/change/`."""

    new_email = EmailAddressField()


class AccountDeleteSerializer(StrictSerializer):
    """The body of `me/delete/`."""

    password = PasswordField()


class PasswordChangeSerializer(StrictSerializer):
    """The body of `password/change/`."""

    old_password = PasswordField()
    new_password = PasswordField()
