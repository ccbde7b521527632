"""One error shape for every response, inside DRF views and outside them.

Every error is `{"type": ..., "errors": [{"code", "detail", "attr"}]}`, the shape that
drf-standardized-errors produces, so clients parse one format whatever failed.
"""

from __future__ import annotations

import logging

import redis.exceptions
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions, status

logger = logging.getLogger(__name__)

CLIENT_ERROR = "client_error"
SERVER_ERROR = "server_error"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class TemporarilyUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable; try again shortly."
    default_code = "temporarily_unavailable"


class ApiExceptionHandler(ExceptionHandler):
    """Turn the exceptions a hostile or unlucky request can raise into clean 4xx/503 answers."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, RequestDataTooBig):
            return RequestTooLarge()
        if isinstance(exc, SuspiciousOperation):
            return exceptions.ParseError("The request is malformed.")
        if isinstance(exc, DatabaseError | redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
            # Fail closed with a retryable answer: no credential is issued while a backing service is down.
            logger.exception("A backing service is unavailable")
            return TemporarilyUnavailable()
        return super().convert_known_exceptions(exc)


def error_response(status_code: int, code: str, detail: str) -> JsonResponse:
    """A JSON response in the API's error shape, for views outside DRF."""
    error_type = SERVER_ERROR if status_code >= 500 else CLIENT_ERROR
    return JsonResponse(
        {"type": error_type, "errors": [{"code": code, "detail": detail, "attr": None}]},
        status=status_code,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    if isinstance(exception, RequestDataTooBig):
        return error_response(413, RequestTooLarge.default_code, str(RequestTooLarge.default_detail))
    return error_response(400, "bad_request", "The request is malformed.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(403, "permission_denied", "You do not have permission to perform this action.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(500, "error", "Server Error (500)")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(403, "csrf_failed", f"CSRF verification failed: {reason}".rstrip(": "))
