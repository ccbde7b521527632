"""GATEHOUSE["ENABLED_ENDPOINTS"] turns any API endpoint of any app off and leaves the others routed
(authn/endpoints.py); the schema describes the core endpoints' requests and answers."""

from typing import Any

import pytest
from django.urls import reverse

from {{ cookiecutter.project_slug }}.authn.endpoints import known_endpoints

from ..conftest import api_url_modules
from ..openapi import assert_operation, error_codes, openapi_schema

pytestmark = pytest.mark.django_db

# A value for each argument of a route: any scenario reaches the login view, any session id the session view,
# any UUID the identity view (social login), any passkey id the passkey view.
ROUTE_ARGUMENTS = {
    "scenario": "password",
    "session_id": "0" * 32,
    "identity_id": "00000000-0000-0000-0000-000000000000",
    "passkey_id": 1,
}
# What the schema must say of each core endpoint: method -> (request component or None, answer status,
# answer component).
SCHEMA_CONTRACT = {
    "/api/auth/token/verify/": {"post": ("TokenVerifyRequest", "200", None)},
    "/api/auth/me/": {"get": (None, "200", "User"), "patch": ("PatchedUser", "200", "User")},
}


def endpoint_urls() -> dict[str, str]:
    """A URL of every API endpoint of the installed apps, by URL name (every one is routed by default)."""
    urls = {}
    for module in api_url_modules():
        for pattern in module.ALL_URLPATTERNS:
            arguments = {name: ROUTE_ARGUMENTS[name] for name in pattern.pattern.converters}
            urls[pattern.name] = reverse(f"{module.app_name}:{pattern.name}", kwargs=arguments)
    return urls


def is_the_routers_not_found(response: Any) -> bool:
    """Whether no route matched: the router answers 404 `not_found`, and a view's own 404 has a code of its own."""
    return response.status_code == 404 and response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.parametrize("name", known_endpoints())
def test_a_disabled_endpoint_is_not_routed(name, api_client, enabled_endpoints):
    url = endpoint_urls()[name]
    enabled_endpoints([endpoint for endpoint in known_endpoints() if endpoint != name])
    assert is_the_routers_not_found(api_client.post(url, {}, format="json")), f"{name} must not be routed"


@pytest.mark.parametrize("name", known_endpoints())
def test_an_enabled_endpoint_is_routed(name, api_client, enabled_endpoints):
    url = endpoint_urls()[name]
    enabled_endpoints([name])
    assert not is_the_routers_not_found(api_client.post(url, {}, format="json")), f"{name} must be routed"


@pytest.mark.parametrize(
    ("url", "method"), [(url, method) for url in SCHEMA_CONTRACT for method in SCHEMA_CONTRACT[url]]
)
def test_the_schema_describes_the_request_and_answer_of_every_core_endpoint(url, method, api_client):
    assert_operation(openapi_schema(api_client), url, method, *SCHEMA_CONTRACT[url][method])


@pytest.mark.parametrize("method", ["get", "patch"])
def test_the_schema_lists_the_codes_an_authenticated_endpoint_answers_with_401(method, api_client):
    codes = error_codes(openapi_schema(api_client), "/api/auth/me/", method, "401")
    assert codes == {"token_not_valid", "not_authenticated"}, (
        "a bad token answers token_not_valid, none not_authenticated"
    )


def test_the_schema_lists_unexpected_field_among_the_validation_codes_of_a_body(api_client):
    codes = error_codes(openapi_schema(api_client), "/api/auth/me/", "patch", "400")
    assert {"unexpected_field", "invalid", "max_length", "parse_error"} <= codes
