"""What every request body must be: a JSON object holding only the fields its endpoint takes.

Both kinds of endpoint check this before anything else: the login steps, whose bodies
are validated against JSON Schemas (login/scenarios/schemas.py), and the endpoints
whose bodies are read by serializers (`StrictSerializer`). A field the endpoint does
not take is refused rather than ignored, so that no extra parameter can steer what it
does, and the refusal is ONE error, however many such fields there are: the work and
the answer stay small for a body of a hundred thousand unknown keys.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.utils.translation import gettext, gettext_noop
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import empty

UNEXPECTED_FIELD = "unexpected_field"
NOT_AN_OBJECT = gettext_noop("The body must be a JSON object.")
# How many unexpected names the error quotes, and how much of each: enough to find a typo,
# never enough to make the answer grow with the body.
NAMES_QUOTED = 3
NAME_QUOTED_LENGTH = 40
# A single unexpected field is the error's `attr` when its name is at most this long.
ATTR_MAX_LENGTH = 100


def not_an_object() -> ErrorDetail:
    """The error of a body that is not a JSON object, in the request's language."""
    return ErrorDetail(gettext(NOT_AN_OBJECT), code="invalid")


def check_body(data: object, fields: Collection[str]) -> Mapping[str, Any]:
    """Return `data` when it is a JSON object whose names are all in `fields`; else raise ValidationError.

    The check costs one look-up per name of the body.
    """
    if not isinstance(data, Mapping):
        # Keyed by None (rendered `"attr": null`): a serializer's errors must be a dict.
        raise field_errors({None: [not_an_object()]})
    unexpected = [name for name in data if name not in fields]
    if unexpected:
        raise unexpected_fields_error(unexpected)
    return data


def unexpected_fields_error(names: list[str], path: str | None = None) -> ValidationError:
    """The one error for all the `names` that an object at `path` (None: the body) should not hold."""
    attr, detail = unexpected_fields_entry(names, path)
    return field_errors({attr: [detail]})


def field_errors(errors: dict[str | None, list[ErrorDetail]]) -> ValidationError:
    """DRF's ValidationError for `errors` by field, the key None standing for the body as a whole."""
    # DRF takes any key (None is rendered as a null `attr`); its stubs allow str keys only.
    return ValidationError(errors)  # type: ignore[arg-type]


def unexpected_fields_entry(names: list[str], path: str | None = None) -> tuple[str | None, ErrorDetail]:
    """The `(attr, detail)` of that error: `attr` is the field when there is one, short and printable."""
    quoted = ", ".join(f'"{quote_name(name)}"' for name in names[:NAMES_QUOTED])
    if len(names) > NAMES_QUOTED:
        quoted = gettext("%(names)s and %(count)d more") % {"names": quoted, "count": len(names) - NAMES_QUOTED}
    if len(names) == 1:
        message = gettext("%(name)s is not a field of this request.") % {"name": quoted}
    else:
        message = gettext("These are not fields of this request: %(names)s.") % {"names": quoted}
    attr = path
    if len(names) == 1 and len(names[0]) <= ATTR_MAX_LENGTH and names[0].isprintable():
        attr = f"{path}.{names[0]}" if path else names[0]
    return attr, ErrorDetail(message, code=UNEXPECTED_FIELD)


def quote_name(name: str) -> str:
    """`name` as an error shows it: cut short, and escaped unless printable (a lone surrogate is not)."""
    shown = name[:NAME_QUOTED_LENGTH]
    if not shown.isprintable():
        shown = shown.encode("unicode_escape").decode("ascii")
    return shown + ("..." if len(name) > NAME_QUOTED_LENGTH else "")


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses a body which is not an object, or which holds a field it cannot write.

    Read-only fields count as unexpected too: sending one back (an `id`, an `email`) is
    refused, not silently dropped. A ModelSerializer takes it as its first base:
    `class UserSerializer(StrictSerializer, serializers.ModelSerializer)`.
    """

    def run_validation(self, data: Any = empty) -> Any:
        if data is not empty:
            check_body(data, self.writable_field_names())
        return super().run_validation(data)

    def writable_field_names(self) -> set[str]:
        """The names a body may hold: those of the fields that are not read-only."""
        return {name for name, field in self.fields.items() if not field.read_only}
