"""The OpenAPI schema lists, for each operation, every status and every error `code` it can answer.

A view declares the errors its own code raises in one place, its `openapi_errors`
(exception classes, or `ErrorCode`s for answers that no exception stands for); the
rest comes from what the view is made of, by `AutoSchema`:

- its authentication classes (their `openapi_errors`, plus `openapi_unsafe_method_errors`
  for POST, PUT, PATCH and DELETE, such as a CSRF failure) and `IsAuthenticated` (401 `not_authenticated`);
- a request body: the parser's `parse_error`, 413, 415, one `unexpected_field` (api/request_bodies.py)
  and the codes of every field of the request serializer;
- throttles (429 `throttled`), and what any operation may answer (406, 500, 503).

Each status gets a component `<Operation>Error<status>` of the API's error shape, whose
`code` is an enum of exactly those codes; a 429 also documents `Retry-After`. A status
that the view's `extend_schema` describes itself is left as it is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import Direction
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated

from .errors import CLIENT_ERROR, SERVER_ERROR, RequestTooLarge, TemporarilyUnavailable
from .request_bodies import UNEXPECTED_FIELD, StrictSerializer

VALIDATION_ERROR = "validation_error"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The codes of a body that is not a JSON object (request_bodies.NOT_AN_OBJECT) or holds a field the
# endpoint does not take: every endpoint with a body can answer them.
BODY_VALIDATION_CODES = ("invalid", UNEXPECTED_FIELD)
# Codes a serializer field has in its `error_messages` that DRF reports under another code, or never.
UNREPORTED_FIELD_CODES = frozenset({"does_not_exist", "incorrect_type"})
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 1},
        "description": "Seconds to wait before trying again.",
    }
}
STATUS_DESCRIPTIONS = {
    400: "The request is malformed or its body is not valid.",
    401: "The request has no valid credentials, or the credentials it sends are wrong.",
    403: "The request is refused.",
    404: "Not found.",
    406: "No answer matches the request's Accept header.",
    413: "The request body is too large.",
    415: "The request body has an unsupported media type.",
    429: "Too many attempts: wait for `Retry-After` seconds.",
    500: "An unexpected error of the server.",
    502: "An upstream service answered with an error.",
    503: "A service this one depends on is unavailable; try again shortly.",
}


@dataclass(frozen=True, order=True)
class ErrorCode:
    """One error answer an operation may give: its status, the entry's `code` and the body's `type`."""

    status: int
    code: str
    error_type: str = CLIENT_ERROR

    @classmethod
    def of(cls, exception: type[exceptions.APIException]) -> ErrorCode:
        """The answer that the API's exception handler gives for `exception`."""
        if issubclass(exception, exceptions.ValidationError):
            error_type = VALIDATION_ERROR
        else:
            error_type = SERVER_ERROR if exception.status_code >= 500 else CLIENT_ERROR
        return cls(exception.status_code, str(exception.default_code), error_type)


# A view's `openapi_errors` holds these.
ErrorSource = type[exceptions.APIException] | ErrorCode


def error_codes(sources: Iterable[ErrorSource]) -> list[ErrorCode]:
    """The ErrorCodes of `sources`."""
    return [source if isinstance(source, ErrorCode) else ErrorCode.of(source) for source in sources]


def validation_codes(codes: Iterable[str]) -> list[ErrorCode]:
    """400 validation errors with these codes (of fields that no serializer describes, such as a step's)."""
    return [ErrorCode(400, code, VALIDATION_ERROR) for code in codes]


# What every operation may answer, whatever its view.
COMMON_ERRORS = (
    ErrorCode.of(exceptions.NotAcceptable),
    ErrorCode(500, "error", SERVER_ERROR),
    ErrorCode.of(TemporarilyUnavailable),
)
# What every operation with a JSON body may answer before its view looks at the body.
BODY_ERRORS = (
    ErrorCode.of(exceptions.ParseError),
    ErrorCode.of(exceptions.UnsupportedMediaType),
    ErrorCode.of(RequestTooLarge),
    *validation_codes(BODY_VALIDATION_CODES),
)


def serializer_validation_codes(serializer: Any) -> list[ErrorCode]:
    """The validation codes the writable fields of `serializer` may answer: those of their `error_messages`."""
    if isinstance(serializer, type) and issubclass(serializer, serializers.BaseSerializer):
        serializer = serializer()
    if not isinstance(serializer, serializers.Serializer):
        return []
    codes = {"required", "null"}
    for field in serializer.fields.values():
        if not field.read_only:
            codes.update(code for code in field.error_messages if code not in UNREPORTED_FIELD_CODES)
            # Validators such as DRF's ProhibitNullCharactersValidator carry their own code.
            codes.update(
                str(code) for code in (getattr(validator, "code", None) for validator in field.validators) if code
            )
    return validation_codes(sorted(codes))


def pascal_case(name: str) -> str:
    """`auth_login_create` as `AuthLoginCreate`: how drf-spectacular names the components of an operation."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name))


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, with every error answer of each operation (see the module docstring)."""

    def get_error_codes(self) -> list[ErrorCode]:
        """Every error answer of this operation."""
        codes = [*COMMON_ERRORS, *error_codes(getattr(self.view, "openapi_errors", ()))]
        authenticators = self.view.get_authenticators()
        for authenticator in authenticators:
            codes += error_codes(getattr(authenticator, "openapi_errors", ()))
            if self.method in UNSAFE_METHODS:
                codes += error_codes(getattr(authenticator, "openapi_unsafe_method_errors", ()))
        if authenticators and any(
            isinstance(permission, IsAuthenticated) for permission in self.view.get_permissions()
        ):
            codes.append(ErrorCode.of(exceptions.NotAuthenticated))
        if self.method in UNSAFE_METHODS and self.view.get_parsers() and self.has_request_body():
            codes += [*BODY_ERRORS, *serializer_validation_codes(self.get_request_serializer())]
        if "{" in self.path:
            # A path parameter that its URL pattern does not match (`login/a.b/`) is Django's 404.
            codes.append(ErrorCode.of(exceptions.NotFound))
        if self.view.get_throttles():
            codes.append(ErrorCode.of(exceptions.Throttled))
        return sorted(set(codes))

    def _map_basic_serializer(self, serializer: Any, direction: Direction) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if isinstance(serializer, StrictSerializer):
            # The body may hold no other field (api/request_bodies.py): say so, as a client must know.
            schema["additionalProperties"] = False
        return schema

    def _map_serializer_field(self, field: Any, direction: Direction, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.CharField) and not field.allow_blank and isinstance(schema, dict):
            # DRF refuses "" with `blank` unless the field allows it.
            schema.setdefault("minLength", 1)
        return schema

    def has_request_body(self) -> bool:
        """Whether the operation takes a body (views with `request=None` take none)."""
        return self._get_request_body() is not None

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction=direction)
        if direction != "response":
            return responses
        by_status: dict[int, list[ErrorCode]] = defaultdict(list)
        for error in self.get_error_codes():
            by_status[error.status].append(error)
        for status_code, errors in sorted(by_status.items()):
            if str(status_code) not in responses:
                responses[str(status_code)] = self.error_response(status_code, errors)
        return dict(sorted(responses.items()))

    def error_response(self, status_code: int, errors: Sequence[ErrorCode]) -> dict[str, Any]:
        """The response object of `status_code`, whose body's codes are those of `errors`."""
        name = f"{pascal_case(self.get_operation_id())}Error{status_code}"
        codes = sorted({error.code for error in errors})
        code_enum = self.register_component(f"{name}Code", {"type": "string", "enum": codes})
        type_enum = self.register_component(
            f"{name}Type", {"type": "string", "enum": sorted({error.error_type for error in errors})}
        )
        entry = self.register_component(
            f"{name}Entry",
            {
                "type": "object",
                "properties": {
                    "code": code_enum,
                    "detail": {"type": "string"},
                    "attr": {"type": "string", "nullable": True},
                },
                "required": ["code", "detail", "attr"],
            },
        )
        body = self.register_component(
            name,
            {
                "type": "object",
                "properties": {"type": type_enum, "errors": {"type": "array", "items": entry, "minItems": 1}},
                "required": ["type", "errors"],
            },
        )
        response: dict[str, Any] = {
            "content": {"application/json": {"schema": body}},
            "description": STATUS_DESCRIPTIONS.get(status_code, "An error.") + " Codes: " + ", ".join(codes) + ".",
        }
        if status_code == 429:
            response["headers"] = RETRY_AFTER_HEADER
        return response

    def register_component(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        """Register `schema` as the component `name`; a reference to it."""
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref
