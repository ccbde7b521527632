"""The errors of the remote app, and how the auth service's errors are told to our clients.

An error answer of the auth service is never passed on as it came: it is rebuilt in
the API's error shape, keeping a code only when it is one this API defines (so the
client sees `invalid_credentials` or `locked_out` as from a standalone service), with
our own wording, and the status only when it is a client error.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from ..api.request_bodies import UNEXPECTED_FIELD
from ..authn import errors as authn_errors
from ..authn.errors import AuthnError

AUTH_SERVICE_UNAVAILABLE = "auth_service_unavailable"
AUTH_SERVICE_ERROR = "auth_service_error"
# Codes of DRF and of this API's plumbing that an auth service of ours may answer with.
FRAMEWORK_CODES = frozenset(
    {
        "parse_error",
        "authentication_failed",
        "not_authenticated",
        "permission_denied",
        "not_found",
        "method_not_allowed",
        "not_acceptable",
        "unsupported_media_type",
        "throttled",
        "https_required",
        "invalid",
        "required",
        "null",
        "blank",
        "max_length",
        "min_length",
        "max_value",
        "min_value",
        "control_characters",
        UNEXPECTED_FIELD,
    }
)
# The codes of Django's password validators (AUTH_PASSWORD_VALIDATORS), which the account
# endpoints answer with; their detail is the auth service's, since their limits are its settings.
PASSWORD_RULE_CODES = frozenset(
    {"password_too_short", "password_too_common", "password_too_similar", "password_entirely_numeric"}
)
# How much of an upstream detail is passed on.
MAX_DETAIL_LENGTH = 300
# An `attr` is passed on only when it looks like a field name.
ATTR_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# More entries than this are not read: a login step has a handful of fields.
MAX_ERRORS = 20
GENERIC_DETAIL = gettext_noop("The auth service refused the request.")


class AuthServiceUnavailable(exceptions.APIException):
    """The auth service could not be reached in time (connection refused, timeout, TLS failure): 503."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = AUTH_SERVICE_UNAVAILABLE
    default_detail = _("The authentication service is unavailable; try again shortly.")


def our_error_details() -> dict[str, str]:
    """Our wording of every error code the authn app defines, by code."""
    details: dict[str, str] = {}
    for value in vars(authn_errors).values():
        if isinstance(value, type) and issubclass(value, AuthnError) and value is not AuthnError:
            details.setdefault(str(value.default_code), str(value.default_detail))
    return details


def known_codes() -> frozenset[str]:
    """The codes that are ours: those of the authn app's errors and of the framework."""
    constants = {value for name, value in vars(authn_errors).items() if name.isupper() and isinstance(value, str)}
    return frozenset(constants | set(our_error_details()) | FRAMEWORK_CODES | PASSWORD_RULE_CODES)


def reshape_upstream_error(status_code: int, body: Any) -> tuple[int, dict[str, Any]]:
    """The status and body to answer for an error answer of the auth service (`body` as parsed JSON, or None).

    Client errors keep their status; anything else becomes 502 `auth_service_error`.
    Each entry keeps its code if it is ours (else `auth_service_error`) and a plain
    field name as `attr`; the detail is always our own text.
    """
    if not 400 <= status_code < 500:
        return status.HTTP_502_BAD_GATEWAY, error_body(
            "server_error", [(AUTH_SERVICE_ERROR, gettext(GENERIC_DETAIL), None)]
        )
    codes = known_codes()
    details = our_error_details()
    entries = []
    upstream_errors = body.get("errors") if isinstance(body, dict) else None
    for upstream in (upstream_errors if isinstance(upstream_errors, list) else [])[:MAX_ERRORS]:
        if not isinstance(upstream, dict):
            continue
        code = upstream.get("code")
        code = code if isinstance(code, str) and code in codes else AUTH_SERVICE_ERROR
        attr = upstream.get("attr")
        attr = attr if isinstance(attr, str) and ATTR_PATTERN.match(attr) else None
        entries.append((code, detail_of(code, upstream.get("detail"), details), attr))
    if not entries:
        entries = [(AUTH_SERVICE_ERROR, gettext(GENERIC_DETAIL), None)]
    is_validation = isinstance(body, dict) and body.get("type") == "validation_error" and status_code == 400
    return status_code, error_body("validation_error" if is_validation else "client_error", entries)


def detail_of(code: str, upstream_detail: Any, details: dict[str, str]) -> str:
    """The detail we answer for `code`: the auth service's for a password rule, else our own wording."""
    if code in PASSWORD_RULE_CODES and isinstance(upstream_detail, str) and upstream_detail:
        return upstream_detail[:MAX_DETAIL_LENGTH]
    return details.get(code) or gettext(GENERIC_DETAIL)


def error_body(error_type: str, entries: list[tuple[str, str, str | None]]) -> dict[str, Any]:
    """An error in the API's shape from (code, detail, attr) entries."""
    return {
        "type": error_type,
        "errors": [{"code": code, "detail": detail, "attr": attr} for code, detail, attr in entries],
    }
