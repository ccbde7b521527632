"""Plain-HTTP requests to the API are refused, not redirected.

Where the site is HTTPS-only (SECURE_SSL_REDIRECT), SecurityMiddleware redirects browsers to
HTTPS. An API client that sent a password or a token over plain HTTP has already exposed it,
and a redirect that the client follows silently would hide the mistake: the API answers 403
with the code `https_required` instead, so the misconfigured client fails where it can be seen.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from .errors import error_response

API_PATH_PREFIX = "/api/"
HTTPS_REQUIRED = "https_required"


class HttpsOnlyApiMiddleware:
    """Answer a plain-HTTP request under /api/ with a JSON 403 when SECURE_SSL_REDIRECT is on.

    Place it right after SecurityMiddleware, whose redirect must skip /api/ (SECURE_REDIRECT_EXEMPT).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if settings.SECURE_SSL_REDIRECT and request.path.startswith(API_PATH_PREFIX) and not request.is_secure():
            return error_response(403, HTTPS_REQUIRED, _("The API answers HTTPS requests only."))
        return self.get_response(request)
