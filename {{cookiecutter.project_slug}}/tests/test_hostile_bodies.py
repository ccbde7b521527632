"""Hostile bodies, at every endpoint that reads one: bounded work, one small JSON error.

A body of thousands of unknown fields is one `unexpected_field` error, found before any
other check; so is a single unknown field, named as the error's `attr`. A body that is
not an object, that names a member twice or nests without end, that is over the upload
limit, or holds a huge value, is refused with an answer of a few hundred bytes.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient
{%- if cookiecutter.auth_role != "client_service" %}

from {{ cookiecutter.project_slug }}.login.scenarios import enabled_scenarios
{%- endif %}

from .tokens import authenticated

pytestmark = pytest.mark.django_db

API = "/api/auth/"
# However hostile the body, the answer stays below this many bytes.
SMALL_ANSWER_BYTES = 2048
MANY_FIELDS = 10_000


@dataclass(frozen=True)
class Endpoint:
    """An endpoint that reads a JSON body, and one field it takes (None: it takes none)."""

    method: str
    path: str
    field: str | None
    requires_login: bool = False

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


ENDPOINTS = [
    Endpoint("post", "token/verify/", "token"),
    Endpoint("patch", "me/", "first_name", requires_login=True),
    {%- if cookiecutter.auth_role != "client_service" %}
    # `{scenario}`: the first scenario this project offers; every built-in first step takes `email`.
    Endpoint("post", "login/{scenario}/", "email"),
    Endpoint("post", "token/refresh/", "refresh"),
    Endpoint("post", "logout/", "refresh"),
    Endpoint("post", "logout/all/", None, requires_login=True),
    Endpoint("post", "password/reset/", "email"),
    Endpoint("post", "password/reset/confirm/", "uid"),
    Endpoint("post", "password/validate/", "password"),
    Endpoint("post", "password/change/", "old_password", requires_login=True),
    {%- endif %}
    {%- if cookiecutter.use_registration == "y" and cookiecutter.auth_role != "client_service" %}
    Endpoint("post", "register/", "email"),
    Endpoint("post", "register/activate/", "uid"),
    Endpoint("post", "register/resend/", "email"),
    {%- endif %}
]
WITH_A_FIELD = [endpoint for endpoint in ENDPOINTS if endpoint.field]


def url(endpoint: Endpoint) -> str:
    {%- if cookiecutter.auth_role != "client_service" %}
    return API + endpoint.path.format(scenario=enabled_scenarios()[0].key)
    {%- else %}
    return API + endpoint.path
    {%- endif %}


@pytest.fixture
def send(api_client: APIClient, make_access_token, user):
    """Send raw `content` as JSON to an endpoint, with a valid access token where it needs one."""

    def send_content(endpoint: Endpoint, content: str | bytes) -> Any:
        credentials = authenticated(make_access_token(user)) if endpoint.requires_login else {}
        return api_client.generic(
            endpoint.method.upper(), url(endpoint), content, content_type="application/json", **credentials
        )

    return send_content


def error_entries(response: Any) -> list[dict[str, Any]]:
    """The entries of a JSON error answer in the API's shape, checked to be small."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert len(response.content) < SMALL_ANSWER_BYTES, f"{len(response.content)} bytes: {response.content[:300]!r}"
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    assert all(set(entry) == {"code", "detail", "attr"} for entry in body["errors"]), body
    return body["errors"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_many_unknown_fields_are_one_small_error(send, endpoint):
    content = json.dumps({f"field_{number}": number for number in range(MANY_FIELDS)})
    started = time.perf_counter()
    response = send(endpoint, content)
    print(f"{endpoint}: {MANY_FIELDS} unknown fields answered in {time.perf_counter() - started:.3f}s")
    assert response.status_code == 400, response.content[:300]
    [entry] = error_entries(response)
    assert (entry["code"], entry["attr"]) == ("unexpected_field", None), entry
    assert f'"field_0", "field_1", "field_2" and {MANY_FIELDS - 3} more' in entry["detail"], entry


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_one_unknown_field_is_refused_and_named(send, endpoint):
    response = send(endpoint, json.dumps({"is_staff": True}))
    assert response.status_code == 400, response.content
    assert [(entry["code"], entry["attr"]) for entry in error_entries(response)] == [("unexpected_field", "is_staff")]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_huge_unknown_name_is_quoted_short(send, endpoint):
    response = send(endpoint, json.dumps({"x" * 1_000_000: 1}))
    assert response.status_code == 400, response.content[:300]
    [entry] = error_entries(response)
    assert (entry["code"], entry["attr"]) == ("unexpected_field", None), entry


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_unknown_name_that_is_not_unicode_is_refused_without_a_500(send, endpoint):
    response = send(endpoint, '{"\\ud800": 1}')
    assert response.status_code == 400, response.content
    [entry] = error_entries(response)
    assert entry["attr"] is None, entry


@pytest.mark.parametrize("content", ["[]", '["a", "b"]', "42", "null", "true", '"text"'])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_body_that_is_not_an_object_is_one_error(send, endpoint, content):
    response = send(endpoint, content)
    assert response.status_code == 400, response.content
    assert [(entry["code"], entry["attr"]) for entry in error_entries(response)] == [("invalid", None)]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_name_given_twice_is_malformed(send, endpoint):
    field = endpoint.field or "refresh"
    member = json.dumps(field)
    response = send(endpoint, "{" + f'{member}: "first", {member}: "second"' + "}")
    assert response.status_code == 400, response.content
    assert [entry["code"] for entry in error_entries(response)] == ["parse_error"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_deeply_nested_body_is_malformed(send, endpoint):
    depth = 100_000
    response = send(endpoint, "[" * depth + "]" * depth)
    assert response.status_code == 400, response.content
    assert [entry["code"] for entry in error_entries(response)] == ["parse_error"]


@pytest.mark.parametrize("endpoint", WITH_A_FIELD, ids=str)
def test_a_huge_value_is_refused_with_a_small_answer(send, endpoint):
    response = send(endpoint, json.dumps({endpoint.field: "x" * 1_000_000}))
    assert 400 <= response.status_code < 500, response.content[:300]
    assert error_entries(response)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_body_over_the_upload_limit_is_a_json_413(send, endpoint, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = send(endpoint, json.dumps({endpoint.field or "refresh": "x" * 4096}))
    assert response.status_code == 413, response.content
    assert [entry["code"] for entry in error_entries(response)] == ["request_too_large"]
{%- if cookiecutter.token_transport != "header" and cookiecutter.auth_role != "client_service" %}


@pytest.mark.parametrize("path", ["token/refresh/", "logout/"])
def test_with_the_cookie_transport_a_refresh_body_takes_no_field(api_client, settings, path):
    settings.GATEHOUSE = {
        **settings.GATEHOUSE,
        "TOKEN_TRANSPORT": "{{ cookiecutter.project_slug }}.authn.transports.cookie.CookieTransport",
    }
    response = api_client.post(API + path, {"refresh": "a token in the body"}, format="json")
    assert response.status_code == 400, response.content
    assert [(entry["code"], entry["attr"]) for entry in error_entries(response)] == [("unexpected_field", "refresh")]
{%- endif %}
{%- if cookiecutter.auth_role == "client_service" %}


@pytest.mark.parametrize("path", ["login/password/", "token/refresh/", "logout/"])
def test_a_body_over_the_upload_limit_is_refused_before_it_is_proxied(api_client, auth_service, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api_client.post(API + path, json.dumps({"email": "x" * 4096}), content_type="application/json")
    assert response.status_code == 413, response.content
    assert [entry["code"] for entry in error_entries(response)] == ["request_too_large"]
    proxied = [call for call in auth_service.calls if "jwks" not in call.request.url]
    assert not proxied, "a body over the limit never reaches the auth service"
{%- endif %}
