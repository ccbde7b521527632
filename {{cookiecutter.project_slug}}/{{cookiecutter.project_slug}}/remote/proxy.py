"""The auth service's endpoints, proxied so that browsers see one origin.

Every endpoint of the auth service that a browser uses is one `ProxiedRoute` of
remote/routes.py, served by `AuthServiceProxyView` at the same path as on the auth
service; `me/` is the auth service's for PATCH only (remote/me.py).

A proxied request carries its body as it came and an allow-list of headers: the
content headers, `Origin` and `Referer` (the auth service's CSRF check compares them
with its CSRF_TRUSTED_ORIGINS), the auth and CSRF cookies (not this service's own
session cookie), the CSRF header, and X-Forwarded-For with the caller's address
appended (the auth service counts this service as one proxy: its
TRUSTED_PROXY_COUNT). A route that needs the user is authenticated here first, and
passes on only the credential that authenticated it: the Bearer header, or the
cookies. The answer brings back its body and its Set-Cookie, Retry-After and
Cache-Control headers; hop-by-hop headers go neither way. An error answer is rebuilt
in our error shape (remote/errors.py), and an auth service that does not answer is a
503 `auth_service_unavailable`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests
from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..api.errors import SERVER_ERROR
from ..api.openapi import ErrorCode, error_codes
from ..authn.authentication import JWTAuthentication
from ..authn.conf import DEVICE_TOKEN_HEADER, auth_cookie_names, device_cookie_name
from ..authn.errors import CsrfFailed
from ..authn.transports.base import get_transport
from .client import call_auth_service
from .errors import (
    AUTH_SERVICE_ERROR,
    AUTH_SERVICE_UNAVAILABLE,
    AuthServiceUnavailable,
    error_body,
    known_codes,
    reshape_upstream_error,
)

if TYPE_CHECKING:
    from .routes import ProxiedRoute

AUTH_PREFIX = "/api/auth/"
# Request headers passed on (Django's META names → HTTP names).
FORWARDED_REQUEST_HEADERS = {
    "CONTENT_TYPE": "Content-Type",
    "HTTP_ACCEPT": "Accept",
    "HTTP_ACCEPT_LANGUAGE": "Accept-Language",
    "HTTP_USER_AGENT": "User-Agent",
    "HTTP_ORIGIN": "Origin",
    "HTTP_REFERER": "Referer",
    "HTTP_PREFER": "Prefer",
    "HTTP_X_CSRFTOKEN": "X-CSRFToken",
    "HTTP_X_REQUEST_ID": "X-Request-ID",
    # Device trust (devices/ on the auth service): an app client's device token.
    "HTTP_DEVICE_TOKEN": DEVICE_TOKEN_HEADER,
}
# What any endpoint of the auth service may answer, besides the errors of the endpoint itself.
FRAMEWORK_ERRORS = (exceptions.ParseError, exceptions.UnsupportedMediaType, exceptions.NotAcceptable, CsrfFailed)
# Response headers passed back besides Set-Cookie (which may come several times).
FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Retry-After", "Cache-Control", "Preference-Applied")
# A route's arguments in Django's path syntax: `<slug:scenario>`.
ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def proxied_errors(*upstream: type[APIException]) -> list[ErrorCode]:
    """What a proxied operation answers, for the OpenAPI schema, when the auth service answers `upstream`:
    each error's status, and its code or `auth_service_error` (remote/errors.py), and the proxy's own 502 and 503."""
    codes = known_codes()
    errors = [*error_codes(upstream), *error_codes(FRAMEWORK_ERRORS)]
    return [
        *(replace(error, code=error.code if error.code in codes else AUTH_SERVICE_ERROR) for error in errors),
        *(ErrorCode(status, AUTH_SERVICE_ERROR) for status in sorted({error.status for error in errors})),
        ErrorCode(502, AUTH_SERVICE_ERROR, SERVER_ERROR),
        ErrorCode.of(AuthServiceUnavailable),
    ]


def forwarded_cookie_names() -> set[str]:
    """The cookies the auth service reads: the auth cookies (authn.conf.auth_cookie_names), the CSRF cookie and
    the device cookie of device trust."""
    return {*auth_cookie_names(), settings.CSRF_COOKIE_NAME, device_cookie_name()}


def authenticated_by_header(request: Request) -> bool:
    """Whether the request's Bearer header holds its credential (it wins over the cookie, as in JWTAuthentication)."""
    return get_transport().reads_bearer_header and JWTAuthentication().get_header(request) is not None


def upstream_headers(request: Request, *, authenticated: bool = False) -> dict[str, str]:
    """The headers of the proxied request: the allow-list, the credential, and X-Forwarded-For.

    An `authenticated` route passes on the Bearer header when it authenticated the
    request here, and then no cookie, so that the auth service sees the same one
    identity; otherwise it passes the auth cookies, as every other route does.
    """
    meta = request.META
    headers = {name: meta[key] for key, name in FORWARDED_REQUEST_HEADERS.items() if meta.get(key)}
    if authenticated and authenticated_by_header(request):
        headers["Authorization"] = meta["HTTP_AUTHORIZATION"]
    else:
        cookies = {name: value for name, value in request.COOKIES.items() if name in forwarded_cookie_names()}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    forwarded_for = [meta["HTTP_X_FORWARDED_FOR"]] if meta.get("HTTP_X_FORWARDED_FOR") else []
    headers["X-Forwarded-For"] = ", ".join([*forwarded_for, meta.get("REMOTE_ADDR", "")])
    return headers


def downstream_response(upstream: requests.Response) -> HttpResponse:
    """Our answer to the client for the auth service's answer `upstream`."""
    if upstream.status_code >= 400:
        try:
            body: Any = upstream.json()
        except ValueError:
            body = None
        status_code, error = reshape_upstream_error(upstream.status_code, body)
        response = HttpResponse(json.dumps(error), status=status_code, content_type="application/json")
    else:
        response = HttpResponse(upstream.content, status=upstream.status_code)
    for name in FORWARDED_RESPONSE_HEADERS:
        if name in upstream.headers and (name != "Content-Type" or upstream.status_code < 400):
            response[name] = upstream.headers[name]
    copy_set_cookies(upstream, response)
    return response


def copy_set_cookies(upstream: requests.Response, response: HttpResponse) -> None:
    """Pass on every Set-Cookie of `upstream` (Django keeps one per cookie name in `response.cookies`)."""
    for header in upstream.raw.headers.getlist("Set-Cookie"):
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(header)
        except CookieError:
            continue
        for name, morsel in cookie.items():
            response.cookies[name] = morsel


def unavailable_response(error: AuthServiceUnavailable) -> Response:
    """The 503 for an outage of the auth service, already logged as a warning.

    Answered rather than raised, so that it is not reported as an error of this service.
    """
    entry = (AUTH_SERVICE_UNAVAILABLE, str(error.detail), None)
    return Response(error_body("server_error", [entry]), status=error.status_code)


def send_upstream(request: Request, path: str, *, authenticated: bool) -> requests.Response:
    """Send `request` to `path` on the auth service with its body and allowed headers; AuthServiceUnavailable."""
    return call_auth_service(
        # The stubs allow a request without a method; one that reached a view has its method.
        request.method,  # type: ignore[arg-type]
        path,
        headers=upstream_headers(request, authenticated=authenticated),
        body=request.body if request.method in ("POST", "PATCH", "PUT", "DELETE") else None,
    )


class AuthServiceProxyView(APIView):
    """Pass a request to the same path on the auth service and its answer back.

    `route` (remote/routes.py) fixes the upstream path; only the route's arguments,
    which its URL converters have checked (a scenario's slug, a session id), are taken
    from the URL, percent-encoded.
    A route without `authenticated` takes no credentials here: the auth service checks
    them. One subclass per route is made by `proxy_view()`.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    route: ProxiedRoute

    def upstream_path(self, **kwargs: Any) -> str:
        """The route's path on the auth service, with its arguments filled in."""
        # Quoted whole: a decoded `%3F` or `%23` in an argument must not become the upstream's query or fragment.
        return AUTH_PREFIX + ROUTE_ARGUMENT.sub(
            lambda match: quote(str(kwargs[match.group(1)]), safe=""), self.route.path
        )

    def proxy(self, request: Request, **kwargs: Any) -> HttpResponse | Response:
        try:
            upstream = send_upstream(request, self.upstream_path(**kwargs), authenticated=self.route.authenticated)
        except AuthServiceUnavailable as error:
            return unavailable_response(error)
        return downstream_response(upstream)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Proxied answers are plain HttpResponses; DRF renders only its own (errors, OPTIONS).
        if isinstance(response, Response):
            return super().finalize_response(request, response, *args, **kwargs)
        return response


def proxy_view(route: ProxiedRoute) -> Callable[..., HttpResponse]:
    """The view of `route`: an AuthServiceProxyView for its one method, described in the schema as the auth service's."""

    @extend_schema(
        request=route.request,
        responses=route.responses,
        description=route.description,
        # None: the schema says what authentication_classes accept; []: no credential.
        auth=None if route.authenticated else [],
    )
    def handler(self: AuthServiceProxyView, request: Request, **kwargs: Any) -> HttpResponse | Response:
        return self.proxy(request, **kwargs)

    attributes: dict[str, Any] = {
        "__doc__": route.description,
        "__module__": __name__,
        "route": route,
        "openapi_errors": proxied_errors(*route.errors),
        # HEAD goes with GET, as in every Django view.
        "http_method_names": [route.method, *(["head"] if route.method == "get" else []), "options"],
        route.method: handler,
    }
    if route.authenticated:
        # Authenticated here first: a bad token is refused without a round trip, and the
        # credential that authenticated is the one passed on (upstream_headers).
        attributes["authentication_classes"] = APIView.authentication_classes
        attributes["permission_classes"] = [IsAuthenticated]
    view_class: type[AuthServiceProxyView] = type(f"{route.view_name}ProxyView", (AuthServiceProxyView,), attributes)
    return view_class.as_view()
