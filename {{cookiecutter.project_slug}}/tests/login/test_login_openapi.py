"""The OpenAPI schema of scenario login: every error code a step answers, the answer as a union discriminated by
`status`, and one operation per enabled scenario whose body is one of that scenario's steps."""

import pytest

from {{ cookiecutter.project_slug }}.api.openapi import pascal_case
from {{ cookiecutter.project_slug }}.authn.serializers import LOGIN_COMPLETE, LOGIN_NEEDS_STEP
from {{ cookiecutter.project_slug }}.login.completion import completion_steps
from {{ cookiecutter.project_slug }}.login.scenarios import EmailCodeScenario

from ..openapi import component, error_codes, openapi_schema
from .helpers import BUILTIN_SCENARIOS, enable_scenarios

pytestmark = pytest.mark.django_db

TEMPLATED = "/api/auth/login/{scenario}/"


@pytest.fixture(autouse=True)
def _builtin_scenarios(settings):
    enable_scenarios(settings, *BUILTIN_SCENARIOS)


@pytest.fixture
def schema(api_client):
    return openapi_schema(api_client)


@pytest.mark.parametrize(
    ("status", "codes"),
    [
        (
            "400",
            {"flow_invalid", "flow_expired", "flow_required", "too_many_attempts", "unexpected_field", "required"},
        ),
        ("401", {"invalid_credentials", "code_invalid"}),
        ("403", {"account_inactive"}),
        ("404", {"scenario_not_found"}),
        ("429", {"locked_out"}),
    ],
)
def test_the_login_step_documents_every_code_of_each_status(schema, status, codes):
    documented = error_codes(schema, TEMPLATED, "post", status)
    assert codes <= documented, f"{status} must list {codes - documented}"


def test_a_lockout_documents_retry_after(schema):
    assert "Retry-After" in schema["paths"][TEMPLATED]["post"]["responses"]["429"]["headers"]


def test_the_login_answer_is_a_union_discriminated_by_status(schema):
    answer = component(
        schema, schema["paths"][TEMPLATED]["post"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    )
    assert answer["discriminator"]["propertyName"] == "status"
    for status, reference in answer["discriminator"]["mapping"].items():
        member = component(schema, reference)
        enum = component(schema, member["properties"]["status"]["allOf"][0]["$ref"])["enum"]
        assert enum == [status], f"the {status} member's status must be the single value {status!r}"
    assert set(answer["discriminator"]["mapping"]) == {LOGIN_NEEDS_STEP, LOGIN_COMPLETE}


def test_each_scenario_has_an_operation_whose_body_is_one_of_its_steps(schema):
    body = schema["paths"]["/api/auth/login/email-code/"]["post"]["requestBody"]["content"]["application/json"]
    names = {reference["$ref"].rsplit("/", 1)[-1] for reference in body["schema"]["anyOf"]}
    # The steps other apps add after the scenario (login/completion.py) are among them too.
    added = {f"LoginStepEmailCode{pascal_case(step.key)}" for step in completion_steps(EmailCodeScenario())}
    assert names == {"LoginStepEmailCodeRequest", "LoginStepEmailCodeVerify", *added}
    verify = schema["components"]["schemas"]["LoginStepEmailCodeVerify"]
    assert verify["required"] == ["code", "flow"]
    assert verify["properties"]["code"]["x-inputmode"] == "numeric"
