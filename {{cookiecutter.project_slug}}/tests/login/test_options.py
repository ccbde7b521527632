"""`GET options/` lists the enabled login scenarios, in order, with each step's JSON Schema."""

import pytest
from jsonschema import Draft202012Validator

from {{ cookiecutter.project_slug }}.authn.errors import SCENARIO_NOT_FOUND
from {{ cookiecutter.project_slug }}.login.scenarios import (
    EmailCodeScenario,
    PasswordAndEmailCodeScenario,
    PasswordScenario,
)

from .helpers import BUILTIN_SCENARIOS, OPTIONS_URL, assert_error, enable_scenarios, login_url


@pytest.fixture(autouse=True)
def _builtin_scenarios(settings):
    enable_scenarios(settings, *BUILTIN_SCENARIOS)


def scenario_list(api_client) -> list[dict]:
    response = api_client.get(OPTIONS_URL)
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"scenarios"}, response.json()
    return response.json()["scenarios"]


def test_options_needs_no_authentication(api_client):
    assert api_client.get(OPTIONS_URL).status_code == 200


def test_each_scenario_has_a_key_a_name_and_its_steps(api_client):
    for scenario in scenario_list(api_client):
        assert set(scenario) == {"key", "name", "steps"}, scenario
        assert scenario["name"], scenario
        for step in scenario["steps"]:
            assert set(step) == {"key", "schema"}, step


def test_builtin_scenarios_have_the_steps_of_the_contract(api_client):
    steps = {scenario["key"]: [step["key"] for step in scenario["steps"]] for scenario in scenario_list(api_client)}
    assert steps == {
        "password": ["credentials"],
        "email-code": ["request", "verify"],
        "password-and-email-code": ["credentials", "verify"],
    }


def test_password_scenario_is_named_email_and_password(api_client):
    names = {scenario["key"]: scenario["name"] for scenario in scenario_list(api_client)}
    assert names["password"] == "Email and password"


def test_step_schemas_ask_for_the_fields_of_the_contract(api_client):
    fields = {
        (scenario["key"], step["key"]): step["schema"]["required"]
        for scenario in scenario_list(api_client)
        for step in scenario["steps"]
    }
    assert fields == {
        ("password", "credentials"): ["email", "password"],
        ("email-code", "request"): ["email"],
        ("email-code", "verify"): ["code"],
        ("password-and-email-code", "credentials"): ["email", "password"],
        ("password-and-email-code", "verify"): ["code"],
    }


def test_every_published_schema_is_valid_json_schema(api_client):
    for scenario in scenario_list(api_client):
        for step in scenario["steps"]:
            Draft202012Validator.check_schema(step["schema"])


def test_schemas_refuse_fields_they_do_not_name(api_client):
    for scenario in scenario_list(api_client):
        for step in scenario["steps"]:
            assert step["schema"]["additionalProperties"] is False, step


def test_schemas_bound_the_length_of_every_text_field(api_client):
    credentials = scenario_list(api_client)[0]["steps"][0]["schema"]["properties"]
    assert credentials["email"]["maxLength"] == 254
    assert credentials["password"]["maxLength"] == 1024


def test_code_schema_asks_for_exactly_six_ascii_digits(api_client):
    verify = scenario_list(api_client)[1]["steps"][1]["schema"]["properties"]["code"]
    validator = Draft202012Validator(verify)
    assert validator.is_valid("012345")
    full_width = "\uff10\uff11\uff12\uff13\uff14\uff15"
    for wrong in ("12345", "1234567", "١٢٣٤٥٦", full_width, "123456\n", 123456):
        assert not validator.is_valid(wrong), f"{wrong!r} must not be a valid code"


def test_options_lists_only_the_enabled_scenarios_in_settings_order(api_client, settings):
    enable_scenarios(settings, PasswordAndEmailCodeScenario, PasswordScenario)
    assert [scenario["key"] for scenario in scenario_list(api_client)] == ["password-and-email-code", "password"]


def test_a_scenario_left_out_of_settings_cannot_be_used(api_client, settings):
    enable_scenarios(settings, EmailCodeScenario)
    response = api_client.post(login_url("password"), {"email": "a@example.com", "password": "x"}, format="json")
    assert_error(response, 404, SCENARIO_NOT_FOUND)
