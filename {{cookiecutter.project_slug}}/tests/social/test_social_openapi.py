"""The OpenAPI schema of social login: one login operation per provider, and the identities endpoints."""

from __future__ import annotations

import pytest

from ..openapi import component, error_codes, openapi_schema

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("providers")]


@pytest.fixture
def schema(api_client):
    return openapi_schema(api_client)


def test_each_provider_has_a_login_operation_whose_body_is_one_of_its_steps(schema):
    operation = schema["paths"]["/api/auth/login/oidc-example/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    names = [reference["$ref"].rsplit("/", 1)[-1] for reference in body["anyOf"]]
    {%- if cookiecutter.use_mfa == "y" %}
    # The mfa app's step follows every scenario, for users who have a second factor.
    assert names == ["LoginStepOidcExampleStart", "LoginStepOidcExampleCallback", "LoginStepOidcExampleMfa"]
    {%- else %}
    assert names == ["LoginStepOidcExampleStart", "LoginStepOidcExampleCallback"]
    {%- endif %}
    assert set(component(schema, f"#/components/schemas/{names[1]}")["properties"]) == {"code", "state", "flow"}


def test_the_login_step_documents_the_codes_of_social_login(schema):
    path = "/api/auth/login/oidc-example/"
    assert {"redirect_uri_not_allowed", "oidc_state_invalid", "oidc_code_invalid", "id_token_invalid"} <= (
        error_codes(schema, path, "post", "400")
    )
    assert error_codes(schema, path, "post", "409") == {"email_already_registered"}
    assert "provider_unavailable" in error_codes(schema, path, "post", "503")
    assert error_codes(schema, path, "post", "502") == {"provider_error"}


def test_a_step_answer_may_carry_an_authorization_url(schema):
    properties = component(schema, "#/components/schemas/LoginNeedsStep")["properties"]
    assert properties["authorization_url"]["format"] == "uri"
    assert "authorization_url" not in component(schema, "#/components/schemas/LoginNeedsStep").get("required", [])


def test_the_identities_endpoints_document_their_answers(schema):
    listed = schema["paths"]["/api/auth/identities/"]["get"]["responses"]
    assert set(listed) >= {"200", "401"}
    unlink = schema["paths"]["/api/auth/identities/{identity_id}/"]["delete"]["responses"]
    assert "204" in unlink
    assert error_codes(schema, "/api/auth/identities/{identity_id}/", "delete", "409") == {"last_login_method"}
    assert "reauthentication_required" in error_codes(schema, "/api/auth/identities/{identity_id}/", "delete", "401")
    assert error_codes(schema, "/api/auth/identities/{identity_id}/", "delete", "404") >= {"identity_not_found"}
