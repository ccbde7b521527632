"""GATEHOUSE["ENABLED_ENDPOINTS"] turns any session endpoint off; the others stay."""

import pytest

from {{ cookiecutter.project_slug }}.authn.endpoints import known_endpoints

pytestmark = pytest.mark.django_db

ENDPOINT_URLS = {
    "token-refresh": "/api/auth/token/refresh/",
    "logout": "/api/auth/logout/",
    "logout-all": "/api/auth/logout/all/",
}


@pytest.mark.parametrize("name", list(ENDPOINT_URLS))
def test_a_disabled_endpoint_is_not_routed(name, api_client, enabled_endpoints):
    enabled_endpoints([endpoint for endpoint in known_endpoints() if endpoint != name])
    response = api_client.post(ENDPOINT_URLS[name], {}, format="json")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.parametrize("name", list(ENDPOINT_URLS))
def test_an_enabled_endpoint_is_routed(name, api_client, enabled_endpoints):
    enabled_endpoints([name])
    response = api_client.post(ENDPOINT_URLS[name], {}, format="json")
    assert response.status_code != 404


# What the schema must say for each endpoint: method -> (request component or None, answer status, answer component).
SCHEMA_CONTRACT = {
    "token-refresh": {"post": ("RefreshTokenRequest", "200", "TokenPair")},
    "logout": {"post": ("RefreshTokenRequest", "204", None)},
    "logout-all": {"post": (None, "204", None)},
}


# The schema is generated for the rendered transport; test_cookie_transport.py checks the cookie one.
@pytest.mark.token_transport("header")
@pytest.mark.parametrize("name", list(SCHEMA_CONTRACT))
def test_the_schema_describes_the_request_and_answer_of_every_enabled_endpoint(name, api_client, enabled_endpoints):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = schema["paths"][ENDPOINT_URLS[name]]
    for method, (request, status, answer) in SCHEMA_CONTRACT[name].items():
        operation = operations[method]
        request_ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        assert request_ref == ({"$ref": f"#/components/schemas/{request}"} if request else None), (name, method)
        assert status in operation["responses"], (name, method)
        if answer:
            answer_schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert answer_schema == {"$ref": f"#/components/schemas/{answer}"}, (name, method)
        assert "401" in operation["responses"], f"{name} {method} must document its 401"
