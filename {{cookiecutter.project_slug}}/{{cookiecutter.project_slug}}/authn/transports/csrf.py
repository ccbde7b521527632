"""Django's CSRF protection for requests that a cookie authenticates.

DRF exempts its views from CsrfViewMiddleware, because a Bearer header cannot be
forged cross-site. A cookie can: a browser attaches it to any request to this host,
whoever made the page. So wherever a cookie carries a credential on an unsafe
request (an access or refresh token, or a login that will set them), the request
must pass the middleware's own checks: the `X-CSRFToken` header matching the
`csrftoken` cookie, and an `Origin` (or, over HTTPS without Origin, a `Referer`)
that is this host or one of CSRF_TRUSTED_ORIGINS.

A frontend on another site needs the `csrftoken` cookie to be SameSite=None and, in
browsers that block third-party cookies, Partitioned (CHIPS). Django 5.2 has settings
for the first (CSRF_COOKIE_SAMESITE) and none for the second: PartitionedCsrfCookieMiddleware
adds the attribute when GATEHOUSE["CSRF_COOKIE_PARTITIONED"] asks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from rest_framework.authentication import CSRFCheck
from rest_framework.request import Request

from ...api.errors import csrf_failure_detail
from ..conf import gatehouse_settings
from ..errors import CsrfFailed
from .cookies import mark_partitioned

# The methods CsrfViewMiddleware accepts without a token (its process_view).
CSRF_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def never_called(request: HttpRequest) -> NoReturn:
    """The `get_response` and view that CsrfViewMiddleware requires; the check calls neither."""
    raise NotImplementedError("A CSRF check answers no request.")


def enforce_csrf(request: Request | HttpRequest) -> None:
    """Refuse `request` with CsrfFailed (403 `csrf_failed`) unless it passes Django's CSRF check.

    Safe methods (GET, HEAD, OPTIONS, TRACE) always pass, as with the middleware; they
    pass here without building the check, since every authenticated GET by cookie comes here.
    """
    if request.method in CSRF_SAFE_METHODS:
        return
    check = CSRFCheck(never_called)
    # Reads the csrftoken cookie into request.META["CSRF_COOKIE"], which process_view compares.
    check.process_request(request)
    # DRF's CSRFCheck answers the reason of a refusal as text, where Django's middleware answers a response.
    reason = check.process_view(request, never_called, (), {})
    if reason:
        raise CsrfFailed(csrf_failure_detail(str(reason)))


class PartitionedCsrfCookieMiddleware:
    """Write the `csrftoken` cookie with `Partitioned` when GATEHOUSE["CSRF_COOKIE_PARTITIONED"] is on.

    Listed before CsrfViewMiddleware, so that it sees the response after that middleware has set the cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if gatehouse_settings.CSRF_COOKIE_PARTITIONED and settings.CSRF_COOKIE_NAME in response.cookies:
            mark_partitioned(response, settings.CSRF_COOKIE_NAME)
        return response
