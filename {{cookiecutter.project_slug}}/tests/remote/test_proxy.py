"""Login, options, refresh and logout are the auth service's, proxied so that a browser sees one origin.

The fake auth service answers through `responses`; each test says what it answers and
checks what reached it and what came back.
"""

import json

import pytest
import requests
import responses

from {{ cookiecutter.project_slug }}.authn.conf import auth_cookie_names

from .conftest import auth_service_url

pytestmark = pytest.mark.django_db

LOGIN_URL = "/api/auth/login/password/"
UPSTREAM_LOGIN_URL = auth_service_url("/api/auth/login/password/")


def upstream_call(mock, url):
    return next(call for call in mock.calls if call.request.url == url)


def test_a_login_is_passed_on_and_its_answer_and_cookies_come_back(api_client, auth_service):
    answer = {"status": "complete", "access": "a.b.c", "refresh": "d.e.f", "token_type": "Bearer", "expires_in": 300}
    auth_service.add(
        responses.POST,
        UPSTREAM_LOGIN_URL,
        json=answer,
        headers=[
            ("Set-Cookie", "access_token=a.b.c; HttpOnly; Path=/; SameSite=Lax"),
            ("Set-Cookie", "refresh_token=d.e.f; HttpOnly; Path=/api/auth/; SameSite=Lax"),
            ("Connection", "close"),
        ],
    )
    body = {"email": "ada@example.com", "password": "correct horse"}
    response = api_client.post(LOGIN_URL, body, format="json", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert response.json() == answer
    assert response.cookies["access_token"].value == "a.b.c"
    assert response.cookies["refresh_token"]["path"] == "/api/auth/"
    assert response.cookies["refresh_token"]["httponly"]
    assert "Connection" not in response.headers, "hop-by-hop headers are not passed back"
    sent = upstream_call(auth_service, UPSTREAM_LOGIN_URL).request
    assert json.loads(sent.body) == body
    assert sent.headers["X-Forwarded-For"] == "203.0.113.7"


def test_x_forwarded_for_is_appended_to(api_client, auth_service):
    auth_service.add(responses.POST, UPSTREAM_LOGIN_URL, json={})
    api_client.post(LOGIN_URL, {}, format="json", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert (
        upstream_call(auth_service, UPSTREAM_LOGIN_URL).request.headers["X-Forwarded-For"] == "198.51.100.1, 10.0.0.2"
    )


def test_only_the_auth_cookies_are_passed_on(api_client, auth_service):
    auth_service.add(responses.POST, auth_service_url("/api/auth/token/refresh/"), json={})
    # Named as the auth service names it with these settings (Secure: __Secure-refresh_token).
    refresh_cookie = auth_cookie_names().refresh
    api_client.cookies[refresh_cookie] = "d.e.f"
    api_client.cookies["sessionid"] = "this-services-admin-session"
    api_client.post("/api/auth/token/refresh/", {}, format="json")
    cookie = upstream_call(auth_service, auth_service_url("/api/auth/token/refresh/")).request.headers["Cookie"]
    assert cookie == f"{refresh_cookie}=d.e.f", "this service's own session cookie must not reach the auth service"


def test_options_and_logout_are_proxied(api_client, auth_service):
    auth_service.add(responses.GET, auth_service_url("/api/auth/options/"), json={"scenarios": []})
    auth_service.add(responses.POST, auth_service_url("/api/auth/logout/"), status=204)
    assert api_client.get("/api/auth/options/").json() == {"scenarios": []}
    assert api_client.post("/api/auth/logout/", {"refresh": "x"}, format="json").status_code == 204


def test_an_error_of_ours_keeps_its_code_but_not_the_upstream_wording(api_client, auth_service):
    upstream = {
        "type": "client_error",
        "errors": [{"code": "invalid_credentials", "detail": "Traceback: secret internals", "attr": None}],
    }
    auth_service.add(responses.POST, UPSTREAM_LOGIN_URL, json=upstream, status=400)
    response = api_client.post(LOGIN_URL, {}, format="json")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"] == "invalid_credentials"
    assert "secret internals" not in response.content.decode(), "upstream error text must not be passed through"


def test_an_unknown_upstream_code_becomes_a_generic_one(api_client, auth_service):
    upstream = {"type": "client_error", "errors": [{"code": "<script>", "detail": "x", "attr": "bad attr!"}]}
    auth_service.add(responses.POST, UPSTREAM_LOGIN_URL, json=upstream, status=403)
    response = api_client.post(LOGIN_URL, {}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"] == [
        {"code": "auth_service_error", "detail": "The auth service refused the request.", "attr": None}
    ]


def test_a_throttled_login_keeps_its_retry_after(api_client, auth_service):
    upstream = {"type": "client_error", "errors": [{"code": "locked_out", "detail": "x", "attr": None}]}
    auth_service.add(responses.POST, UPSTREAM_LOGIN_URL, json=upstream, status=429, headers={"Retry-After": "60"})
    response = api_client.post(LOGIN_URL, {}, format="json")
    assert (response.status_code, response["Retry-After"]) == (429, "60")
    assert response.json()["errors"][0]["code"] == "locked_out"


def test_an_upstream_server_error_is_a_502_without_its_body(api_client, auth_service):
    auth_service.add(responses.POST, UPSTREAM_LOGIN_URL, body="<html>Internal Server Error</html>", status=500)
    response = api_client.post(LOGIN_URL, {}, format="json")
    assert response.status_code == 502
    assert response.json() == {
        "type": "server_error",
        "errors": [{"code": "auth_service_error", "detail": "The auth service refused the request.", "attr": None}],
    }


@pytest.mark.parametrize("failure", [requests.ConnectionError("refused"), requests.ConnectTimeout("timeout")])
def test_an_unreachable_auth_service_is_a_503(failure, api_client, auth_service):
    auth_service.add(responses.POST, UPSTREAM_LOGIN_URL, body=failure)
    response = api_client.post(LOGIN_URL, {}, format="json")
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "auth_service_unavailable"


def test_a_redirect_from_upstream_is_not_followed(api_client, auth_service):
    auth_service.add(responses.POST, UPSTREAM_LOGIN_URL, status=302, headers={"Location": "https://evil.example/"})
    api_client.post(LOGIN_URL, {}, format="json")
    assert [call.request.url for call in auth_service.calls] == [UPSTREAM_LOGIN_URL]
