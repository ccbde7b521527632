"""Login, refresh and logout, proxied to the auth service so that browsers see one origin.

A proxied request carries its body as it came and an allow-list of headers: the
content headers, the auth and CSRF cookies (not this service's own session cookie),
the CSRF header, and X-Forwarded-For with the caller's address appended (the auth
service counts this service as one proxy: its TRUSTED_PROXY_COUNT). The answer
brings back its body and its Set-Cookie, Retry-After and Cache-Control headers;
hop-by-hop headers go neither way. An error answer is rebuilt in our error shape
(remote/errors.py), and an auth service that does not answer is a 503
`auth_service_unavailable`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from http.cookies import CookieError, SimpleCookie
from typing import Any

import requests
from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..api.errors import SERVER_ERROR
from ..api.openapi import ErrorCode, error_codes
from ..authn.conf import gatehouse_settings
from ..authn.errors import LOGIN_FLOW_ERRORS, CodeInvalid, CsrfFailed, InvalidCredentials, TokenNotValid
from ..authn.serializers import LoginOptionsSerializer, login_answer_serializer
from .client import call_auth_service
from .errors import (
    AUTH_SERVICE_ERROR,
    AUTH_SERVICE_UNAVAILABLE,
    AuthServiceUnavailable,
    error_body,
    known_codes,
    reshape_upstream_error,
)

AUTH_PREFIX = "/api/auth/"
# Request headers passed on (Django's META names → HTTP names).
FORWARDED_REQUEST_HEADERS = {
    "CONTENT_TYPE": "Content-Type",
    "HTTP_ACCEPT": "Accept",
    "HTTP_ACCEPT_LANGUAGE": "Accept-Language",
    "HTTP_USER_AGENT": "User-Agent",
    "HTTP_X_CSRFTOKEN": "X-CSRFToken",
    "HTTP_X_REQUEST_ID": "X-Request-ID",
}
# What any endpoint of the auth service may answer, besides the errors of the endpoint itself.
FRAMEWORK_ERRORS = (exceptions.ParseError, exceptions.UnsupportedMediaType, exceptions.NotAcceptable, CsrfFailed)
# Response headers passed back besides Set-Cookie (which may come several times).
FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Retry-After", "Cache-Control")


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
    """The cookies the auth service reads: its access and refresh cookies, and the CSRF cookie."""
    return {
        gatehouse_settings.AUTH_COOKIE_ACCESS_NAME,
        gatehouse_settings.AUTH_COOKIE_REFRESH_NAME,
        settings.CSRF_COOKIE_NAME,
    }


def upstream_headers(request: Request) -> dict[str, str]:
    """The headers of the proxied request, from the allow-list, the auth cookies and X-Forwarded-For."""
    meta = request.META
    headers = {name: meta[key] for key, name in FORWARDED_REQUEST_HEADERS.items() if meta.get(key)}
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


class AuthServiceProxyView(APIView):
    """Pass a request to the same path on the auth service and its answer back.

    Takes no credentials itself: the auth service checks them. `upstream_path` is fixed
    by the URL configuration; only a login's scenario key, a slug, is taken from the URL.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    upstream_path = ""

    def get_upstream_path(self, **kwargs: Any) -> str:
        return AUTH_PREFIX + self.upstream_path

    def proxy(self, request: Request, **kwargs: Any) -> HttpResponse | Response:
        try:
            upstream = call_auth_service(
                # The stubs allow a request without a method; one that reached a view has its method.
                request.method,  # type: ignore[arg-type]
                self.get_upstream_path(**kwargs),
                headers=upstream_headers(request),
                body=request.body if request.method == "POST" else None,
            )
        except AuthServiceUnavailable as error:
            # An outage of the auth service, already logged as a warning: answered here rather
            # than raised, so that it is not reported as an error of this service.
            entry = (AUTH_SERVICE_UNAVAILABLE, str(error.detail), None)
            return Response(error_body("server_error", [entry]), status=error.status_code)
        return downstream_response(upstream)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Proxied answers are plain HttpResponses; DRF renders only its own (errors, OPTIONS).
        if isinstance(response, Response):
            return super().finalize_response(request, response, *args, **kwargs)
        return response


class OptionsProxyView(AuthServiceProxyView):
    """`GET options/`: the auth service's login scenarios."""

    upstream_path = "options/"
    openapi_errors = proxied_errors()

    @extend_schema(responses={200: LoginOptionsSerializer}, auth=[])
    def get(self, request: Request) -> HttpResponse | Response:
        return self.proxy(request)


class LoginProxyView(AuthServiceProxyView):
    """`POST login/<scenario>/`: one step of a login flow on the auth service."""

    openapi_errors = proxied_errors(*LOGIN_FLOW_ERRORS, InvalidCredentials, CodeInvalid)

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: login_answer_serializer(gatehouse_settings.TOKEN_TRANSPORT.login_serializer)},
        auth=[],
        description="The body of a step of one of the auth service's scenarios (see `options/`).",
    )
    def post(self, request: Request, scenario: str) -> HttpResponse | Response:
        return self.proxy(request, scenario=scenario)

    def get_upstream_path(self, **kwargs: Any) -> str:
        return f"{AUTH_PREFIX}login/{kwargs['scenario']}/"


class TokenRefreshProxyView(AuthServiceProxyView):
    """`POST token/refresh/`: a new token pair from the auth service."""

    upstream_path = "token/refresh/"
    openapi_errors = proxied_errors(TokenNotValid, exceptions.NotAuthenticated)

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}, auth=[])
    def post(self, request: Request) -> HttpResponse | Response:
        return self.proxy(request)


class LogoutProxyView(AuthServiceProxyView):
    """`POST logout/`: end the session on the auth service (its refresh token is blacklisted there)."""

    upstream_path = "logout/"
    openapi_errors = proxied_errors(TokenNotValid, exceptions.NotAuthenticated)

    @extend_schema(request=OpenApiTypes.OBJECT, responses={204: None}, auth=[])
    def post(self, request: Request) -> HttpResponse | Response:
        return self.proxy(request)
