"""`GET options/` lists the enabled login scenarios, in order, with each step's JSON Schema."""

import pytest
from jsonschema import Draft202012Validator

from {{ cookiecutter.project_slug }}.authn.errors import SCENARIO_NOT_FOUND
from {{ cookiecutter.project_slug }}.login.scenarios import (
    EmailCodeScenario,
    PasswordAndEmailCodeScenario,
    PasswordScenario,
)

from ..factories import DEFAULT_PASSWORD, UserFactory
from .helpers import (
    BUILTIN_SCENARIOS,
    OPTIONS_URL,
    LoginClient,
    assert_complete,
    assert_error,
    assert_needs_step,
    emailed_code,
    enable_scenarios,
    login_url,
)


@pytest.fixture(autouse=True)
def _builtin_scenarios(settings):
    enable_scenarios(settings, *BUILTIN_SCENARIOS)


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks) -> LoginClient:
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def step_schemas(api_client) -> dict[tuple[str, str], dict]:
    """The published schema of each step's body, by (scenario, step)."""
    return {
        (scenario["key"], step["key"]): step["schema"]
        for scenario in scenario_list(api_client)
        for step in scenario["steps"]
    }


def assert_valid(schema: dict, body: dict) -> None:
    errors = [error.message for error in Draft202012Validator(schema).iter_errors(body)]
    assert not errors, f"the published schema refuses the body a client sends, {body}: {errors}"


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
        ("email-code", "verify"): ["code", "flow"],
        ("password-and-email-code", "credentials"): ["email", "password"],
        ("password-and-email-code", "verify"): ["code", "flow"],
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


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", ["password", "email-code", "password-and-email-code"])
def test_each_published_schema_validates_the_exact_body_a_client_sends(api_client, login, scenario):
    user = UserFactory()
    schemas = step_schemas(api_client)
    answers = {
        "credentials": lambda: {"email": user.email, "password": DEFAULT_PASSWORD},
        "request": lambda: {"email": user.email},
        "verify": lambda: {"code": emailed_code()},
    }
    flow = None
    steps = [step["key"] for found in scenario_list(api_client) if found["key"] == scenario for step in found["steps"]]
    for position, step in enumerate(steps):
        body = answers[step]() | ({"flow": flow} if flow else {})
        assert_valid(schemas[scenario, step], body)
        response = login.step(scenario, body)
        if position + 1 < len(steps):
            answer = assert_needs_step(response, steps[position + 1])
            assert answer["schema"] == schemas[scenario, steps[position + 1]], "needs_step and options/ disagree"
            flow = answer["flow"]
        else:
            assert_complete(response, user)


def test_a_later_step_schema_requires_the_flow_and_a_first_step_schema_refuses_it(api_client):
    schemas = step_schemas(api_client)
    verify = Draft202012Validator(schemas["email-code", "verify"])
    assert not verify.is_valid({"code": "123456"}), "a later step must ask for the flow"
    request = Draft202012Validator(schemas["email-code", "request"])
    assert not request.is_valid({"email": "a@example.com", "flow": "x"}), "a first step has no flow"


def test_password_fields_are_write_only_passwords_that_forms_fill_as_current_password(api_client):
    password = step_schemas(api_client)["password", "credentials"]["properties"]["password"]
    assert password["format"] == "password"
    assert password["writeOnly"] is True
    assert password["x-autocomplete"] == "current-password"
    assert password["title"]
    assert password["description"]


def test_email_fields_hint_email_autocomplete(api_client):
    email = step_schemas(api_client)["email-code", "request"]["properties"]["email"]
    assert email["x-autocomplete"] == "email"
    assert email["title"]
    assert email["description"]


def test_code_fields_hint_a_numeric_one_time_code(api_client):
    code = step_schemas(api_client)["email-code", "verify"]["properties"]["code"]
    assert code["x-autocomplete"] == "one-time-code"
    assert code["x-inputmode"] == "numeric"
    assert code["writeOnly"] is True
    assert code["title"]
    assert code["description"]
