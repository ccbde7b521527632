"""The JSON Schemas of step inputs, and their validation into the API's error shape.

A step publishes its schema through `GET options/` and the server validates every
body against that same schema with jsonschema. Problems are reported one per field,
with DRF's vocabulary of codes (`required`, `invalid`, `max_length`, ...) so that clients
read the same codes here as on serializer-backed endpoints. Fields that a step does not
take are one `unexpected_field` error, found before any other check (api/request_bodies.py).
jsonschema's own messages are never shown: they quote the submitted value, which may be
a password.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext, gettext_noop
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema import ValidationError as SchemaError
from rest_framework.exceptions import ErrorDetail, ValidationError

from ...api.request_bodies import (
    UNEXPECTED_FIELD,
    check_body,
    field_errors,
    not_an_object,
    unexpected_fields_entry,
)
from ...authn.errors import EMAIL_INVALID
from ...users.managers import EMAIL_INVALID_MESSAGE, EMAIL_MAX_LENGTH, EmailAddressInvalid, normalize_email

# Step inputs are flat objects; a deeper body is refused before jsonschema walks it.
MAX_NESTING = 16
# An address is one `@` between two runs without whitespace or control characters
# (the database refuses NUL; the rest is how mail headers get injected).
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$"

# (code, message) for each JSON Schema keyword a step's schema uses.
KEYWORD_ERRORS: dict[str, tuple[str, str]] = {
    "required": ("required", gettext_noop("This field is required.")),
    "type": ("invalid", gettext_noop("This value has the wrong type.")),
    "minLength": ("min_length", gettext_noop("Ensure this field has at least {limit} characters.")),
    "maxLength": ("max_length", gettext_noop("Ensure this field has no more than {limit} characters.")),
    "pattern": ("invalid", gettext_noop("This value has the wrong format.")),
    "format": ("invalid", gettext_noop("This value has the wrong format.")),
    "enum": ("invalid_choice", gettext_noop("This value is not one of the allowed choices.")),
    "const": ("invalid_choice", gettext_noop("This value is not one of the allowed choices.")),
}
FALLBACK_ERROR = ("invalid", gettext_noop("This value is not valid."))
# An email that fails its pattern or its format has one error, the one the account endpoints give.
EMAIL_ERROR = (EMAIL_INVALID, EMAIL_INVALID_MESSAGE)
NULL_ERROR = ("null", gettext_noop("This field may not be null."))
# Every code a step's validation can answer (with `unexpected_field`), as the OpenAPI schema lists them.
VALIDATION_CODES = tuple(
    sorted(
        {code for code, _ in (*KEYWORD_ERRORS.values(), FALLBACK_ERROR, EMAIL_ERROR, NULL_ERROR)} | {UNEXPECTED_FIELD}
    )
)
# How a step names its fields' purpose to a form: the HTML `autocomplete` and `inputmode` attributes to
# give the input (JSON Schema keeps unknown keywords as annotations; OpenAPI takes them with `x-`).
AUTOCOMPLETE = "x-autocomplete"
INPUTMODE = "x-inputmode"
# The field of every step after the first that carries the token of the previous answer.
FLOW_FIELD = "flow"
TOO_DEEP = gettext_noop("The body is nested too deeply.")
NOT_UNICODE = gettext_noop("This value is not valid Unicode text.")


def is_email_address(instance: object) -> bool:
    """The `email` format: an address that has a canonical form (users/managers.py `normalize_email()`).

    The canonical form itself is the step's to take; a full-width or IDN spelling passes.
    """
    if not isinstance(instance, str):
        return True
    try:
        normalize_email(instance)
    except EmailAddressInvalid:
        return False
    return True


# Draft 2020-12's format checks, with `email` checked as the account endpoints check it.
FORMAT_CHECKER = FormatChecker(formats=())
FORMAT_CHECKER.checkers.update(Draft202012Validator.FORMAT_CHECKER.checkers)
FORMAT_CHECKER.checks("email")(is_email_address)


def object_schema(properties: dict[str, dict[str, Any]], *, title: str | None = None) -> dict[str, Any]:
    """The schema of a step's body: exactly these properties, all required, nothing else.

    Unknown fields are refused rather than ignored, so that no extra parameter can
    ever steer a step (such as a `method` that would skip a factor).
    """
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if title:
        schema["title"] = title
    return schema


def with_flow(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of the body of a later step whose fields `schema` describes: those fields and `flow`."""
    return {
        **schema,
        "properties": {**schema.get("properties", {}), FLOW_FIELD: flow_schema()},
        "required": [*schema.get("required", []), FLOW_FIELD],
    }


def flow_schema() -> dict[str, Any]:
    """The `flow` field of every step after the first: the token of the previous answer."""
    return {
        "type": "string",
        "title": gettext("Flow"),
        "description": gettext("The flow token of the previous answer."),
        "minLength": 1,
    }


def email_schema() -> dict[str, Any]:
    """An email address, at most 254 characters (the SMTP limit), that has a canonical form (`is_email_address()`).

    An address that fails the pattern or the format is refused with `email_invalid`.
    """
    return {
        "type": "string",
        "title": gettext("Email"),
        "description": gettext("The email address of the account."),
        "format": "email",
        AUTOCOMPLETE: "email",
        "minLength": 3,
        "maxLength": EMAIL_MAX_LENGTH,
        "pattern": EMAIL_PATTERN,
    }


def password_schema(max_length: int) -> dict[str, Any]:
    """The account's password, at most `max_length` characters, so that a huge one is refused before hashing."""
    return {
        "type": "string",
        "title": gettext("Password"),
        "description": gettext("The password of the account."),
        "format": "password",
        "minLength": 1,
        "maxLength": max_length,
        "writeOnly": True,
        AUTOCOMPLETE: "current-password",
    }


def digits_schema(length: int, *, title: str, description: str | None = None) -> dict[str, Any]:
    """A one-time code of exactly `length` ASCII digits: `[0-9]` (unlike `\\d`) refuses Arabic-Indic and
    full-width digits."""
    return {
        "type": "string",
        "title": title,
        "description": description or gettext("The %(length)d-digit code.") % {"length": length},
        AUTOCOMPLETE: "one-time-code",
        INPUTMODE: "numeric",
        "minLength": length,
        "maxLength": length,
        "pattern": "^[0-9]{" + str(length) + "}$",
        "writeOnly": True,
    }


def validate_input(schema: dict[str, Any], data: object) -> dict[str, Any]:
    """Return `data` when it is valid against `schema`; else raise DRF's ValidationError.

    The error has one entry per problem, each with its field as `attr` (null for the
    body as a whole), so the API's exception handler renders
    `{"type": "validation_error", "errors": [...]}`.
    """
    if not isinstance(data, dict):
        raise ValidationError([not_an_object()])
    check_well_formed(data)
    if schema.get("additionalProperties") is False and "patternProperties" not in schema:
        # One look-up per name, before jsonschema runs: a body of many unknown keys is one error, fast.
        check_body(data, schema.get("properties", {}))
    errors: dict[str | None, list[ErrorDetail]] = {}
    validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    for error in validator.iter_errors(data):
        for attr, detail in describe(error):
            # jsonschema reports `required` once per missing field, each naming them all.
            if detail not in errors.setdefault(attr, []):
                errors[attr].append(detail)
    if errors:
        raise field_errors(errors)
    return data


def check_well_formed(data: dict[str, Any]) -> None:
    """Refuse deep nesting, and text that is not well-formed Unicode (a lone surrogate such as `"\\ud800"`).

    A lone surrogate parses as JSON but fails wherever it is encoded: hashing, signing,
    the database, the JSON answer that would name it. Refusing it here keeps all of
    those from answering 500. The walk is iterative so that no input can exhaust the stack.
    """
    pending: list[tuple[str | None, object, int]] = [(None, data, 0)]
    while pending:
        attr, value, depth = pending.pop()
        if depth > MAX_NESTING:
            raise ValidationError([ErrorDetail(gettext(TOO_DEEP), code="invalid")])
        if isinstance(value, str) and not is_encodable(value):
            raise field_errors({attr: [ErrorDetail(gettext(NOT_UNICODE), code="invalid")]})
        if isinstance(value, dict):
            for key, item in value.items():
                if not is_encodable(key):
                    raise field_errors({attr: [ErrorDetail(gettext(NOT_UNICODE), code="invalid")]})
                pending.append((attr or key, item, depth + 1))
        elif isinstance(value, list):
            pending.extend((attr, item, depth + 1) for item in value)


def is_encodable(text: str) -> bool:
    """Whether `text` is well-formed Unicode (encodes to UTF-8)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def describe(error: SchemaError) -> Iterator[tuple[str | None, ErrorDetail]]:
    """The `(attr, detail)` pairs of one jsonschema error.

    `required` reports one entry per missing field, `additionalProperties` one entry for
    all the unexpected ones; other keywords report the field at the error's path.
    """
    code, message_id = KEYWORD_ERRORS.get(str(error.validator), FALLBACK_ERROR)
    message = gettext(message_id)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator in ("pattern", "format") and schema.get("format") == "email":
        code, message = EMAIL_INVALID, str(EMAIL_INVALID_MESSAGE)
    path = [str(part) for part in error.absolute_path]
    names: list[str | None] = [None]
    if error.validator == "required" and isinstance(error.instance, dict) and isinstance(error.validator_value, list):
        names = [name for name in error.validator_value if name not in error.instance]
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        yield unexpected_fields_entry(additional_properties(schema, error.instance), ".".join(path) or None)
        return
    elif error.validator == "type" and error.instance is None:
        code, message = NULL_ERROR[0], gettext(NULL_ERROR[1])
    for name in names:
        attr = ".".join(path if name is None else [*path, name]) or None
        yield attr, ErrorDetail(message.format(limit=error.validator_value), code=code)


def additional_properties(schema: Mapping[str, Any], instance: dict[str, Any]) -> list[str]:
    """The names of `instance` that neither `properties` nor `patternProperties` of `schema` cover."""
    known = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [name for name in instance if name not in known and not any(re.search(p, name) for p in patterns)]
