"""The `mfa` step: every scenario of a user with a second factor ends with it, before any token is issued.

It takes a TOTP code (accepted once, in any flow) or a recovery code (which works once); a
wrong answer counts against the flow and the account's one lockout budget, so wrong codes
end in `locked_out` like wrong passwords do.
"""

import pytest
from django.core import mail

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.login.scenarios import Scenario, Step, StepContext
from {{ cookiecutter.project_slug }}.login.scenarios.steps import EmailRequestStep

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import (
    BUILTIN_SCENARIOS,
    OPTIONS_URL,
    LoginClient,
    assert_complete,
    assert_needs_step,
    emailed_code,
    enable_scenarios,
    token_payload,
)
from .helpers import assert_error, give_totp

pytestmark = pytest.mark.django_db


class EmailOnlyStep(Step):
    """A custom step that binds the flow to any existing account by its email: a scenario of a project's own."""

    key = "who"

    def get_schema(self):
        return EmailRequestStep().get_schema()

    def identify(self, context: StepContext, data):
        return EmailRequestStep().identify(context, data)

    def handle(self, context: StepContext, data) -> None:
        EmailRequestStep().handle(context, data)


class CustomScenario(Scenario):
    """A project's own scenario: the `mfa` step follows it too."""

    key = "custom"
    name = "Custom"
    steps = (EmailOnlyStep(),)


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, *BUILTIN_SCENARIOS, CustomScenario, LOCKOUT_ACCOUNT_THRESHOLD=3)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def pass_scenario(login, scenario: str, user) -> dict:
    """Answer every step of `scenario` for `user`; the answer that asks for the `mfa` step."""
    if scenario in ("password", "password-and-email-code"):
        response = login.step(scenario, {"email": user.email, "password": DEFAULT_PASSWORD})
    else:
        response = login.step(scenario, {"email": user.email})
    if scenario in ("email-code", "password-and-email-code"):
        flow = assert_needs_step(response, "verify")["flow"]
        response = login.step(scenario, {"flow": flow, "code": emailed_code()})
    return assert_needs_step(response, "mfa")


@pytest.mark.parametrize("scenario", ["password", "email-code", "password-and-email-code", "custom"])
def test_every_scenario_of_a_user_with_totp_ends_with_the_mfa_step(login, clock, scenario):
    user = UserFactory()
    secret, _ = give_totp(user)
    body = pass_scenario(login, scenario, user)
    assert set(body["schema"]["properties"]) == {"code", "credential", "flow"}, body["schema"]
    assert body["schema"]["oneOf"] == [{"required": ["code"]}, {"required": ["credential"]}], body["schema"]
    assert "access" not in body, "a pending step must grant no token"
    assert "refresh" not in body, "a pending step must grant no token"
    assert_complete(login.step(scenario, {"flow": body["flow"], "code": clock.code(secret)}), user)


@pytest.mark.parametrize("scenario", ["password", "email-code", "password-and-email-code"])
def test_a_user_without_a_second_factor_logs_in_without_the_mfa_step(login, scenario):
    user = UserFactory()
    if scenario == "password":
        response = login.step(scenario, {"email": user.email, "password": DEFAULT_PASSWORD})
    else:
        first = (
            {"email": user.email} if scenario == "email-code" else {"email": user.email, "password": DEFAULT_PASSWORD}
        )
        flow = assert_needs_step(login.step(scenario, first), "verify")["flow"]
        response = login.step(scenario, {"flow": flow, "code": emailed_code()})
    assert_complete(response, user)


def test_options_are_the_same_whoever_asks_and_name_no_factor(login, api_client):
    before = api_client.get(OPTIONS_URL).json()
    give_totp(UserFactory())
    assert api_client.get(OPTIONS_URL).json() == before
    assert "mfa" not in [step["key"] for scenario in before["scenarios"] for step in scenario["steps"]]


def test_the_flow_token_of_the_mfa_step_carries_no_secret(login):
    user = UserFactory()
    give_totp(user)
    payload = token_payload(pass_scenario(login, "password", user)["flow"])
    assert set(payload) == {"id", "scenario", "step"}, payload
    assert payload["step"] == "mfa"


def test_a_totp_code_is_refused_the_second_time_even_in_another_flow(login, clock):
    user = UserFactory()
    secret, _ = give_totp(user)
    code = clock.code(secret)
    first = pass_scenario(login, "password", user)
    assert_complete(login.step("password", {"flow": first["flow"], "code": code}), user)
    second = pass_scenario(login, "password", user)
    assert_error(login.step("password", {"flow": second["flow"], "code": code}), 401, "code_invalid")


def test_a_code_of_an_earlier_step_than_the_last_used_is_refused(login, clock):
    user = UserFactory()
    secret, _ = give_totp(user)
    earlier = clock.code(secret, steps=-1)
    flow = pass_scenario(login, "password", user)["flow"]
    assert_complete(login.step("password", {"flow": flow, "code": clock.code(secret)}), user)
    flow = pass_scenario(login, "password", user)["flow"]
    assert_error(login.step("password", {"flow": flow, "code": earlier}), 401, "code_invalid")


def test_codes_one_step_either_side_are_accepted_and_two_steps_away_are_not(login, clock):
    user = UserFactory()
    secret, _ = give_totp(user)
    for steps in (-2, 2):
        flow = pass_scenario(login, "password", user)["flow"]
        assert_error(
            login.step("password", {"flow": flow, "code": clock.code(secret, steps=steps)}), 401, "code_invalid"
        )
    for steps in (-1, 1):
        clock.next_step(3)
        flow = pass_scenario(login, "password", user)["flow"]
        assert_complete(login.step("password", {"flow": flow, "code": clock.code(secret, steps=steps)}), user)


def test_a_later_login_in_a_later_step_works(login, clock):
    user = UserFactory()
    secret, _ = give_totp(user)
    for _ in range(2):
        flow = pass_scenario(login, "password", user)["flow"]
        assert_complete(login.step("password", {"flow": flow, "code": clock.code(secret)}), user)
        clock.next_step()


def test_a_recovery_code_completes_the_login_once(login, django_capture_on_commit_callbacks):
    user = UserFactory()
    _, codes = give_totp(user)
    flow = pass_scenario(login, "password", user)["flow"]
    assert_complete(login.step("password", {"flow": flow, "code": codes[0]}), user)
    flow = pass_scenario(login, "password", user)["flow"]
    assert_error(login.step("password", {"flow": flow, "code": codes[0]}), 401, "code_invalid")
    assert [message.subject for message in mail.outbox if "recovery code" in message.subject], (
        "using a recovery code must email the account"
    )
    assert AuthEvent.objects.filter(user=user, kind=AuthEvent.Kind.RECOVERY_CODE_USED, extra={"remaining": 9}).exists()


def test_a_recovery_code_is_accepted_in_capitals_and_without_its_hyphen(login):
    user = UserFactory()
    _, codes = give_totp(user)
    flow = pass_scenario(login, "password", user)["flow"]
    assert_complete(login.step("password", {"flow": flow, "code": codes[1].replace("-", "").upper()}), user)


def test_wrong_codes_count_in_the_account_lockout_with_the_password(login, clock):
    user = UserFactory()
    secret, _ = give_totp(user)
    flow = pass_scenario(login, "password", user)["flow"]
    wrong = f"{(int(clock.code(secret)) + 500_000) % 1_000_000:06d}"
    for _ in range(3):
        assert_error(login.step("password", {"flow": flow, "code": wrong}), 401, "code_invalid")
    response = login.step("password", {"flow": flow, "code": clock.code(secret)})
    assert_error(response, 429, "locked_out")
    assert int(response["Retry-After"]) >= 1
    # The lock is the account's: a new flow is refused at its password, even a right one.
    assert_error(login.step("password", {"email": user.email, "password": DEFAULT_PASSWORD}), 429, "locked_out")


def test_a_wrong_password_and_wrong_codes_share_one_budget(login, clock):
    user = UserFactory()
    secret, _ = give_totp(user)
    assert_error(
        login.step("password", {"email": user.email, "password": "wrong password"}), 401, "invalid_credentials"
    )
    flow = pass_scenario(login, "password", user)["flow"]
    wrong = f"{(int(clock.code(secret)) + 500_000) % 1_000_000:06d}"
    for _ in range(2):
        assert_error(login.step("password", {"flow": flow, "code": wrong}), 401, "code_invalid")
    assert_error(login.step("password", {"flow": flow, "code": clock.code(secret)}), 429, "locked_out")


@pytest.mark.parametrize(
    "code",
    [
        123456,
        "12345",
        "1234567",
        "\uff11\uff12\uff13\uff14\uff15\uff16",
        "\u0661\u0662\u0663\u0664\u0665\u0666",
        " 123456",
        ["123456"],
        "abcde-fghij-k",
    ],
)
def test_a_malformed_code_is_a_validation_error(login, code):
    user = UserFactory()
    give_totp(user)
    flow = pass_scenario(login, "password", user)["flow"]
    response = login.step("password", {"flow": flow, "code": code})
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error", response.json()


def test_the_mfa_step_cannot_be_skipped_by_another_field(login):
    user = UserFactory()
    give_totp(user)
    flow = pass_scenario(login, "password", user)["flow"]
    response = login.step("password", {"flow": flow, "method": "email"})
    assert response.status_code == 400, response.content
    assert "unexpected_field" in [entry["code"] for entry in response.json()["errors"]]
