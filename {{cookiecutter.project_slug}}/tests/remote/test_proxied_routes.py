"""Every endpoint of the auth service that a browser uses is proxied at its own path (remote/routes.py).

The fake auth service answers through `responses`; each test says what it answers and
checks what reached it and what came back. The mechanics shared by all routes (headers,
cookies, error reshaping, outages) are in test_proxy.py.
"""

import json
import re

import pytest
import responses

from {{ cookiecutter.project_slug }}.authn.conf import auth_cookie_names
from {{ cookiecutter.project_slug }}.remote.routes import PROXIED_ROUTES

from ..openapi import openapi_schema
from ..tokens import authenticated, bearer
from .conftest import JWKS_PATH, auth_service_url

pytestmark = pytest.mark.django_db

# A value for each route argument.
ROUTE_ARGUMENTS = {
    "scenario": "password",
    "session_id": "0123456789abcdef0123456789abcdef",
    "identity_id": "01234567-89ab-cdef-0123-456789abcdef",
    "passkey_id": "1",
}
AUTHENTICATED_ROUTES = [route for route in PROXIED_ROUTES if route.authenticated]
# What the auth service serves to browsers besides `me/` (its login/, sessions/, accounts/ and social/ urls.py).
AUTH_SERVICE_ROUTES = {
    ("get", "options/"),
    ("post", "login/<slug:scenario>/"),
    ("post", "token/refresh/"),
    ("post", "logout/"),
    ("post", "logout/all/"),
    ("post", "register/"),
    ("post", "register/activate/"),
    ("post", "register/resend/"),
    ("post", "password/reset/"),
    ("post", "password/reset/confirm/"),
    ("post", "password/validate/"),
    ("post", "password/change/"),
    ("get", "sessions/"),
    ("delete", "sessions/<str:session_id>/"),
    ("post", "reauthenticate/"),
    ("post", "email/change/"),
    ("post", "email/change/confirm/"),
    ("post", "me/delete/"),
    ("get", "me/export/"),
    ("get", "identities/"),
    ("delete", "identities/<uuid:identity_id>/"),
    {%- if cookiecutter.use_mfa == "y" %}
    # Its mfa/urls.py.
    ("get", "mfa/"),
    ("post", "mfa/totp/setup/"),
    ("post", "mfa/totp/confirm/"),
    ("post", "mfa/totp/disable/"),
    ("post", "mfa/recovery-codes/"),
    ("post", "mfa/passkeys/register/options/"),
    ("post", "mfa/passkeys/reauthenticate/options/"),
    ("post", "mfa/passkeys/register/"),
    ("delete", "mfa/passkeys/<int:passkey_id>/"),
    {%- endif %}
}


def proxied_calls(mock) -> list:
    """The requests that reached the fake auth service, but for its JWKS (fetched to verify tokens)."""
    return [call for call in mock.calls if call.request.url != auth_service_url(JWKS_PATH)]


def route_path(route) -> str:
    path = re.sub(r"<\w+:(\w+)>", lambda match: ROUTE_ARGUMENTS[match.group(1)], route.path)
    return f"/api/auth/{path}"


def send(api_client, route, body=None, **extra):
    if route.method == "get":
        return api_client.get(route_path(route), **extra)
    return api_client.generic(
        route.method.upper(), route_path(route), json.dumps(body or {}), content_type="application/json", **extra
    )


def test_the_table_proxies_every_endpoint_the_auth_service_serves_to_browsers():
    assert {(route.method, route.path) for route in PROXIED_ROUTES} == AUTH_SERVICE_ROUTES


@pytest.mark.parametrize("route", PROXIED_ROUTES, ids=lambda route: route.name)
def test_each_route_reaches_the_same_path_on_the_auth_service_with_its_body_and_its_answer_comes_back(
    route, api_client, auth_service, remote_token
):
    upstream_url = auth_service_url(route_path(route))
    answer = {"from": "the auth service"}
    auth_service.add(
        route.method.upper(), upstream_url, json=answer, status=200, headers={"Cache-Control": "no-store"}
    )
    extra = authenticated(remote_token()) if route.authenticated else {}
    response = send(api_client, route, {"email": "ada@example.com"}, **extra)
    assert (response.status_code, response.json()) == (200, answer), response.content
    assert response["Cache-Control"] == "no-store"
    [call] = [call for call in auth_service.calls if call.request.url == upstream_url]
    assert call.request.method == route.method.upper()
    if route.method != "get":
        assert json.loads(call.request.body) == {"email": "ada@example.com"}, "the body is passed on as it came"


@pytest.mark.parametrize("route", PROXIED_ROUTES, ids=lambda route: route.name)
def test_a_route_takes_only_its_own_method(route, api_client, auth_service, remote_token):
    response = api_client.put(route_path(route), {}, format="json", **authenticated(remote_token()))
    assert response.status_code == 405
    assert proxied_calls(auth_service) == [], "a method the auth service does not take is not passed on"


def test_head_goes_with_get(api_client, auth_service):
    auth_service.add(responses.HEAD, auth_service_url("/api/auth/options/"), status=200)
    assert api_client.head("/api/auth/options/").status_code == 200
    assert [call.request.method for call in proxied_calls(auth_service)] == ["HEAD"]


@pytest.mark.parametrize("route", AUTHENTICATED_ROUTES, ids=lambda route: route.name)
def test_a_route_that_needs_the_user_refuses_a_request_without_a_token_here(route, api_client, auth_service):
    response = send(api_client, route)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"
    assert proxied_calls(auth_service) == [], "the auth service is not asked about a request without a credential"


@pytest.mark.parametrize("route", AUTHENTICATED_ROUTES, ids=lambda route: route.name)
def test_a_route_that_needs_the_user_refuses_a_bad_token_here(route, api_client, auth_service, remote_token):
    response = send(api_client, route, **authenticated(remote_token(aud="https://another-api.example")))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_not_valid"
    assert proxied_calls(auth_service) == []
{%- if cookiecutter.token_transport != "cookie" %}


@pytest.mark.parametrize("route", AUTHENTICATED_ROUTES, ids=lambda route: route.name)
def test_a_request_authenticated_by_its_bearer_header_passes_on_the_header_and_no_cookie(
    route, api_client, auth_service, remote_token
):
    upstream_url = auth_service_url(route_path(route))
    auth_service.add(route.method.upper(), upstream_url, status=204)
    token = remote_token()
    api_client.cookies[auth_cookie_names().access] = "another.users.token"
    send(api_client, route, **bearer(token))
    [call] = auth_service.calls[-1:]
    assert call.request.headers["Authorization"] == f"Bearer {token}"
    assert "Cookie" not in call.request.headers, "only the credential that authenticated the request is passed on"
{%- endif %}
{%- if cookiecutter.token_transport != "header" %}


@pytest.mark.parametrize("route", AUTHENTICATED_ROUTES, ids=lambda route: route.name)
def test_a_request_authenticated_by_the_access_cookie_passes_on_the_cookies_and_the_csrf_header(
    route, api_client, auth_service, remote_token, settings
):
    upstream_url = auth_service_url(route_path(route))
    auth_service.add(route.method.upper(), upstream_url, status=204)
    access_cookie = auth_cookie_names().access
    token = remote_token()
    api_client.cookies[access_cookie] = token
    api_client.cookies[settings.CSRF_COOKIE_NAME] = "c" * 32
    send(api_client, route, HTTP_X_CSRFTOKEN="c" * 32, HTTP_ORIGIN="http://testserver")
    [call] = auth_service.calls[-1:]
    assert f"{access_cookie}={token}" in call.request.headers["Cookie"]
    assert f"{settings.CSRF_COOKIE_NAME}={'c' * 32}" in call.request.headers["Cookie"]
    assert call.request.headers["X-CSRFToken"] == "c" * 32
    assert call.request.headers["Origin"] == "http://testserver", "the auth service's CSRF check needs the Origin"
    assert "Authorization" not in call.request.headers
{%- endif %}


def test_a_route_that_takes_no_user_never_passes_on_an_authorization_header(api_client, auth_service, remote_token):
    auth_service.add(responses.POST, auth_service_url("/api/auth/register/"), json={}, status=201)
    api_client.post("/api/auth/register/", {"email": "ada@example.com"}, format="json", **bearer(remote_token()))
    assert "Authorization" not in auth_service.calls[-1].request.headers


def test_an_endpoint_the_auth_service_does_not_serve_is_its_404_in_our_shape(api_client, auth_service):
    # An auth service rendered without registration: its router's JSON 404.
    upstream = {"type": "client_error", "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}]}
    auth_service.add(responses.POST, auth_service_url("/api/auth/register/"), json=upstream, status=404)
    response = api_client.post("/api/auth/register/", {"email": "ada@example.com"}, format="json")
    assert response.status_code == 404
    assert [error["code"] for error in response.json()["errors"]] == ["not_found"]


def test_a_broken_password_rule_keeps_its_code_and_the_auth_services_detail(api_client, auth_service):
    detail = "This password is too short. It must contain at least 12 characters."
    upstream = {
        "type": "validation_error",
        "errors": [{"code": "password_too_short", "detail": detail, "attr": "password"}],
    }
    auth_service.add(responses.POST, auth_service_url("/api/auth/password/validate/"), json=upstream, status=400)
    response = api_client.post("/api/auth/password/validate/", {"password": "short"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "errors": [{"code": "password_too_short", "detail": detail, "attr": "password"}],
    }


def test_an_unexpected_field_keeps_its_code(api_client, auth_service):
    upstream = {
        "type": "validation_error",
        "errors": [{"code": "unexpected_field", "detail": "x", "attr": "is_staff"}],
    }
    auth_service.add(responses.POST, auth_service_url("/api/auth/register/"), json=upstream, status=400)
    response = api_client.post("/api/auth/register/", {"is_staff": True}, format="json")
    codes = [(error["code"], error["attr"]) for error in response.json()["errors"]]
    assert codes == [("unexpected_field", "is_staff")]


def test_the_schema_describes_each_proxied_endpoint_with_the_auth_services_components(api_client):
    schema = openapi_schema(api_client)
    register = schema["paths"]["/api/auth/register/"]["post"]
    assert register["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Register"
    }
    assert set(schema["components"]["schemas"]["Register"]["required"]) == {"email", "password"}
    change = schema["paths"]["/api/auth/password/change/"]["post"]
    assert "401" in change["responses"], "a route that needs the user says so"
    assert change["security"] != [{}]
    login = schema["paths"]["/api/auth/login/{scenario}/"]["post"]
    assert login["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LoginAnswer"
    }
    for route in PROXIED_ROUTES:
        path = re.sub(r"<\w+:(\w+)>", r"{\1}", f"/api/auth/{route.path}")
        operation = schema["paths"][path][route.method]
        assert {"502", "503"} <= set(operation["responses"]), f"{route.path}: the proxy's own errors are listed"
