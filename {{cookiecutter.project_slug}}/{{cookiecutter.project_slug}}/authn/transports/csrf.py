"""Django's CSRF protection for requests that a cookie authenticates.

DRF exempts its views from CsrfViewMiddleware, because a Bearer header cannot be
forged cross-site. A cookie can: a browser attaches it to any request to this host,
whoever made the page. So wherever a cookie carries a credential on an unsafe
request (an access or refresh token, or a login that will set them), the request
must pass the middleware's own checks: the `X-CSRFToken` header matching the
`csrftoken` cookie, and an `Origin` (or, over HTTPS without Origin, a `Referer`)
that is this host or one of CSRF_TRUSTED_ORIGINS.
"""

from __future__ import annotations

from typing import NoReturn

from django.http import HttpRequest
from rest_framework.authentication import CSRFCheck
from rest_framework.request import Request

from ..errors import CsrfFailed


def never_called(request: HttpRequest) -> NoReturn:
    """The `get_response` and view that CsrfViewMiddleware requires; the check calls neither."""
    raise NotImplementedError("A CSRF check answers no request.")


def enforce_csrf(request: Request | HttpRequest) -> None:
    """Refuse `request` with CsrfFailed (403 `csrf_failed`) unless it passes Django's CSRF check.

    Safe methods (GET, HEAD, OPTIONS, TRACE) always pass, as with the middleware.
    """
    check = CSRFCheck(never_called)
    # Reads the csrftoken cookie into request.META["CSRF_COOKIE"], which process_view compares.
    check.process_request(request)
    reason = check.process_view(request, never_called, (), {})
    if reason:
        raise CsrfFailed(f"CSRF verification failed: {reason}")
