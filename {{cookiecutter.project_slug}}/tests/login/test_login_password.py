"""The `password` scenario: one step, `credentials`, with an email and a password.

No answer tells whether an email has an account: a wrong password, an unknown email
and an account without a usable password get the same answer, after the same work
(one run of the password hasher). `account_inactive` comes only after a correct password.
"""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from {{ cookiecutter.project_slug }}.authn.errors import ACCOUNT_INACTIVE, FLOW_INVALID, INVALID_CREDENTIALS

from ..factories import DEFAULT_PASSWORD, UserFactory
from .helpers import (
    BUILTIN_SCENARIOS,
    LOGIN_SIGNALS,
    LoginClient,
    assert_complete,
    assert_error,
    captured_signals,
    enable_scenarios,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, *BUILTIN_SCENARIOS)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


@pytest.fixture
def hasher_runs(monkeypatch) -> list[str]:
    """Every password the hasher (MD5 in tests) hashes during the test, in order."""
    runs: list[str] = []
    encode = MD5PasswordHasher.encode

    def counting_encode(self, password, salt):
        runs.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    return runs


def credentials(email, password=DEFAULT_PASSWORD) -> dict:
    return {"email": email, "password": password}


def test_correct_password_completes_the_login(login):
    user = UserFactory()
    assert_complete(login.step("password", credentials(user.email)), user)


def test_email_is_matched_whatever_its_case(login):
    user = UserFactory(email="alice@example.com")
    assert_complete(login.step("password", credentials("Alice@EXAMPLE.com")), user)


def test_wrong_password_is_refused_with_invalid_credentials(login):
    user = UserFactory()
    assert_error(login.step("password", credentials(user.email, "wrong password")), 401, INVALID_CREDENTIALS)


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(login):
    user = UserFactory()
    wrong_password = login.step("password", credentials(user.email, "wrong password"))
    unknown_email = login.step("password", credentials("nobody@example.com", "wrong password"))
    assert (unknown_email.status_code, unknown_email.json()) == (wrong_password.status_code, wrong_password.json())
    assert set(unknown_email.headers) == set(wrong_password.headers)


def test_account_without_usable_password_gets_the_same_answer_as_a_wrong_password(login):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    wrong_password = login.step("password", credentials(UserFactory().email, "wrong password"))
    unusable = login.step("password", credentials(user.email, "wrong password"))
    assert (unusable.status_code, unusable.json()) == (wrong_password.status_code, wrong_password.json())


@pytest.mark.parametrize("account", ["unknown", "wrong_password", "unusable_password", "inactive"])
def test_every_refusal_runs_the_password_hasher_exactly_once(login, hasher_runs, account):
    user = UserFactory(is_active=account != "inactive")
    if account == "unusable_password":
        user.set_unusable_password()
        user.save()
    email = "nobody@example.com" if account == "unknown" else user.email
    hasher_runs.clear()
    assert_error(login.step("password", credentials(email, "wrong password")), 401, INVALID_CREDENTIALS)
    assert hasher_runs == ["wrong password"], "each refusal must cost one hash, so timing tells nothing"


def test_inactive_account_with_a_wrong_password_gets_invalid_credentials(login):
    user = UserFactory(is_active=False)
    assert_error(login.step("password", credentials(user.email, "wrong password")), 401, INVALID_CREDENTIALS)


def test_inactive_account_with_the_correct_password_gets_account_inactive(login):
    user = UserFactory(is_active=False)
    assert_error(login.step("password", credentials(user.email)), 403, ACCOUNT_INACTIVE)


def test_inactive_account_gets_no_tokens(login):
    user = UserFactory(is_active=False)
    response = login.step("password", credentials(user.email))
    assert not {"access", "refresh", "flow"} & set(response.json())
    assert not response.cookies


def test_oversized_password_is_refused_without_hashing(login, hasher_runs):
    user = UserFactory()
    hasher_runs.clear()
    response = login.step("password", credentials(user.email, "x" * 100_000))
    assert_error(response, 400, "max_length", attr="password")
    assert hasher_runs == []


def test_password_is_not_trimmed_or_case_folded(login):
    user = UserFactory()
    for variant in (f" {DEFAULT_PASSWORD}", DEFAULT_PASSWORD.upper(), DEFAULT_PASSWORD[:-1]):
        assert_error(login.step("password", credentials(user.email, variant)), 401, INVALID_CREDENTIALS)


def test_login_answers_are_never_cached(login):
    user = UserFactory()
    for response in (
        login.step("password", credentials(user.email)),
        login.step("password", credentials(user.email, "wrong password")),
    ):
        assert "no-store" in response["Cache-Control"], response["Cache-Control"]


def test_a_flow_token_is_refused_by_a_one_step_scenario(login):
    user = UserFactory()
    flow = login.step("email-code", {"email": user.email}).json()["flow"]
    response = login.step("password", {**credentials(user.email), "flow": flow})
    assert_error(response, 400, FLOW_INVALID, attr="flow")


def test_successful_login_sends_started_step_completed_and_succeeded(login):
    user = UserFactory()
    with captured_signals(*LOGIN_SIGNALS) as sent:
        login.step("password", credentials(user.email))
    assert [name for name, _ in sent] == ["login_started", "step_completed", "login_succeeded"]
    assert sent[1][1]["step"] == "credentials"
    assert sent[2][1]["user"] == user
    assert sent[2][1]["scenario"].key == "password"


def test_wrong_password_sends_login_failed_with_its_code(login):
    user = UserFactory()
    with captured_signals(*LOGIN_SIGNALS) as sent:
        login.step("password", credentials(user.email, "wrong password"))
    assert [name for name, _ in sent] == ["login_started", "login_failed"]
    assert (sent[1][1]["step"], sent[1][1]["code"]) == ("credentials", INVALID_CREDENTIALS)
