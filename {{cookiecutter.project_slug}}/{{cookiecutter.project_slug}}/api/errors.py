"""One error shape for every response, inside DRF views and outside them.

Every error is `{"type": ..., "errors": [{"code", "detail", "attr"}]}`, the shape that
drf-standardized-errors produces, so clients parse one format whatever failed: DRF's
exceptions through ApiExceptionHandler, Django's through the handlers of config/urls.py,
and whatever else answers an error in another format through JsonErrorMiddleware.
(gunicorn's own answers, to a request it cannot parse, are made JSON by
config/gunicorn_worker.py.)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from http import HTTPStatus

import redis.exceptions
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions, status

logger = logging.getLogger(__name__)

CLIENT_ERROR = "client_error"
SERVER_ERROR = "server_error"
# The code and detail of an error answer that some layer wrote in another format, by status
# (the codes DRF gives the same statuses). Other statuses get a code from their reason phrase.
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", gettext_noop("The request is malformed.")),
    401: ("not_authenticated", gettext_noop("Authentication credentials were not provided.")),
    403: ("permission_denied", gettext_noop("You do not have permission to perform this action.")),
    404: ("not_found", gettext_noop("Not found.")),
    405: ("method_not_allowed", gettext_noop("This method is not allowed here.")),
    406: ("not_acceptable", gettext_noop("No answer matches the Accept header of the request.")),
    413: ("request_too_large", gettext_noop("The request body is too large.")),
    415: ("unsupported_media_type", gettext_noop("The request body has an unsupported media type.")),
    429: ("throttled", gettext_noop("Too many requests.")),
    500: ("error", gettext_noop("Server Error (500)")),
    503: ("temporarily_unavailable", gettext_noop("The service is temporarily unavailable; try again shortly.")),
}
# Headers that describe the body, which the JSON replacement of an answer does not keep.
BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding", "content-disposition"})


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


class TemporarilyUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The service is temporarily unavailable; try again shortly.")
    default_code = "temporarily_unavailable"


class ApiExceptionHandler(ExceptionHandler):
    """Turn the exceptions a hostile or unlucky request can raise into clean 4xx/503 answers."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, RequestDataTooBig):
            return RequestTooLarge()
        if isinstance(exc, SuspiciousOperation):
            return exceptions.ParseError(gettext("The request is malformed."))
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
    return error_response(400, "bad_request", gettext("The request is malformed."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(403, "permission_denied", gettext("You do not have permission to perform this action."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(404, "not_found", gettext("Not found."))


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(500, "error", gettext("Server Error (500)"))


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(403, "csrf_failed", csrf_failure_detail(reason))


def csrf_failure_detail(reason: str) -> str:
    """The detail of a failed CSRF check, in the request's language; Django's reason itself is not translated."""
    if not reason:
        return gettext("CSRF verification failed.")
    return gettext("CSRF verification failed: %(reason)s") % {"reason": reason}


def is_json(response: HttpResponseBase) -> bool:
    """Whether `response` declares a JSON body (`application/json`, or any `+json` type)."""
    media_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def status_error(status_code: int) -> tuple[str, str]:
    """The code and detail of a generic error answer with this status."""
    if status_code in STATUS_ERRORS:
        code, detail = STATUS_ERRORS[status_code]
        return code, gettext(detail)
    try:
        phrase = HTTPStatus(status_code).phrase
    except ValueError:
        phrase = "Error"
    return re.sub(r"[^a-z0-9]+", "_", phrase.lower()).strip("_"), f"{phrase}."


class JsonErrorMiddleware:
    """Give every error answer the API's JSON shape, whichever layer wrote it in another format.

    Most errors already are JSON (DRF's exception handler, the error handlers). This catches
    the rest: the empty 405 of Django's generic views and of WhiteNoise, the YAML or HTML in
    which the schema and docs views render their own 401 and 403, an error page of a
    third-party app. The status and the other headers (Allow, Retry-After, cookies) stay;
    only the body is replaced. With DEBUG on, Django's debugging pages are left as they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code < 400 or is_json(response) or settings.DEBUG:
            return response
        replacement = error_response(response.status_code, *status_error(response.status_code))
        for header, value in response.items():
            if header.lower() not in BODY_HEADERS:
                replacement[header] = value
        replacement.cookies = response.cookies
        return replacement
