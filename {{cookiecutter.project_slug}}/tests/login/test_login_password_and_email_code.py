"""The `password-and-email-code` scenario: step `credentials`, then step `verify` with the emailed code.

Regression: a flow of several steps completes (a previous package answered 500 at
its second step).
"""

import pytest

from {{ cookiecutter.project_slug }}.authn.errors import (
    ACCOUNT_INACTIVE,
    CODE_INVALID,
    FLOW_EXPIRED,
    FLOW_INVALID,
    FLOW_REQUIRED,
    INVALID_CREDENTIALS,
)

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..tokens import authenticated
from .helpers import (
    BUILTIN_SCENARIOS,
    LOGIN_SIGNALS,
    LoginClient,
    assert_complete,
    assert_error,
    assert_needs_step,
    captured_signals,
    emailed_code,
    enable_scenarios,
    other_code,
)

pytestmark = pytest.mark.django_db

SCENARIO = "password-and-email-code"


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, *BUILTIN_SCENARIOS)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def pass_credentials(login, user) -> str:
    """Run the credentials step for `user`; returns the flow token."""
    response = login.step(SCENARIO, {"email": user.email, "password": DEFAULT_PASSWORD})
    return assert_needs_step(response, "verify")["flow"]


def test_password_then_code_completes_the_login(login):
    user = UserFactory()
    flow = pass_credentials(login, user)
    assert_complete(login.step(SCENARIO, {"flow": flow, "code": emailed_code()}), user)


def test_correct_password_asks_for_the_code_and_grants_nothing_yet(login, api_client):
    user = UserFactory()
    response = login.step(SCENARIO, {"email": user.email, "password": DEFAULT_PASSWORD})
    body = assert_needs_step(response, "verify")
    assert body["schema"]["required"] == ["code", "flow"]
    assert not response.cookies, "an unfinished login sets no cookie"
    api_client.credentials(**authenticated(body["flow"]))
    assert api_client.get("/api/auth/me/").status_code == 401, "a flow token is no access token"


def test_correct_password_emails_the_code_to_the_account(login, mailoutbox):
    user = UserFactory()
    pass_credentials(login, user)
    assert [message.to for message in mailoutbox] == [[user.email]]


def test_wrong_password_sends_no_code(login, mailoutbox):
    user = UserFactory()
    response = login.step(SCENARIO, {"email": user.email, "password": "wrong password"})
    assert_error(response, 401, INVALID_CREDENTIALS)
    assert mailoutbox == []


def test_inactive_account_with_the_correct_password_gets_account_inactive_and_no_code(login, mailoutbox):
    user = UserFactory(is_active=False)
    response = login.step(SCENARIO, {"email": user.email, "password": DEFAULT_PASSWORD})
    assert_error(response, 403, ACCOUNT_INACTIVE)
    assert mailoutbox == []


def test_account_deactivated_during_the_flow_gets_account_inactive_after_the_code(login):
    user = UserFactory()
    flow = pass_credentials(login, user)
    user.is_active = False
    user.save()
    assert_error(login.step(SCENARIO, {"flow": flow, "code": emailed_code()}), 403, ACCOUNT_INACTIVE)


def test_account_inactive_ends_the_flow(login):
    user = UserFactory()
    flow = pass_credentials(login, user)
    user.is_active = False
    user.save()
    code = emailed_code()
    login.step(SCENARIO, {"flow": flow, "code": code})
    user.is_active = True
    user.save()
    assert_error(login.step(SCENARIO, {"flow": flow, "code": code}), 400, FLOW_EXPIRED, attr="flow")


def test_wrong_code_is_refused_with_code_invalid(login):
    user = UserFactory()
    flow = pass_credentials(login, user)
    response = login.step(SCENARIO, {"flow": flow, "code": other_code(emailed_code())})
    assert_error(response, 401, CODE_INVALID, attr="code")


def test_code_step_cannot_be_skipped_by_omitting_the_flow(login):
    response = login.step(SCENARIO, {"code": "123456"})
    assert_error(response, 400, FLOW_REQUIRED, attr="flow")


def test_code_step_cannot_be_reached_with_a_flow_of_another_scenario(login):
    user = UserFactory()
    email_code_flow = assert_needs_step(login.step("email-code", {"email": user.email}), "verify")["flow"]
    response = login.step(SCENARIO, {"flow": email_code_flow, "code": emailed_code()})
    assert_error(response, 400, FLOW_INVALID, attr="flow")


def test_credentials_cannot_be_sent_again_on_the_code_step(login):
    user = UserFactory()
    flow = pass_credentials(login, user)
    response = login.step(SCENARIO, {"flow": flow, "email": user.email, "password": DEFAULT_PASSWORD})
    assert_error(response, 400, "unexpected_field", attr=None)


def test_completed_flow_cannot_be_replayed(login):
    user = UserFactory()
    flow = pass_credentials(login, user)
    code = emailed_code()
    assert_complete(login.step(SCENARIO, {"flow": flow, "code": code}), user)
    assert_error(login.step(SCENARIO, {"flow": flow, "code": code}), 400, FLOW_EXPIRED, attr="flow")


def test_another_users_code_does_not_complete_a_flow(login, monkeypatch):
    codes = iter(["111111", "222222"])
    monkeypatch.setattr("{{ cookiecutter.project_slug }}.login.codes.generate_code", lambda length: next(codes))
    alice, bob = UserFactory(), UserFactory()
    alice_flow = pass_credentials(login, alice)
    pass_credentials(login, bob)
    response = login.step(SCENARIO, {"flow": alice_flow, "code": "222222"})
    assert_error(response, 401, CODE_INVALID, attr="code")


def test_each_step_sends_step_completed_then_login_succeeded(login):
    user = UserFactory()
    with captured_signals(*LOGIN_SIGNALS) as sent:
        flow = pass_credentials(login, user)
        login.step(SCENARIO, {"flow": flow, "code": emailed_code()})
    assert [(name, arguments.get("step")) for name, arguments in sent] == [
        ("login_started", None),
        ("step_completed", "credentials"),
        ("step_completed", "verify"),
        ("login_succeeded", None),
    ]
    assert all(arguments["user"] == user for name, arguments in sent if name != "login_started")
