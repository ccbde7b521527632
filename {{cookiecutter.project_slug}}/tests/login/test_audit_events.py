"""Logins, their failures and lockouts reach the audit log, named by identifier hash, with no secret."""

from __future__ import annotations

import pytest

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.authn.identity import identifier_key

from ..audit.helpers import assert_no_secrets, events
from ..factories import DEFAULT_PASSWORD, UserFactory
from ..sessions.helpers import tokens_of
from .helpers import BUILTIN_SCENARIOS, LoginClient, emailed_code, enable_scenarios, other_code

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"
Kind = AuthEvent.Kind


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, *BUILTIN_SCENARIOS, LOCKOUT_ACCOUNT_THRESHOLD=2)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def password_login(login: LoginClient, email: str, password: str):
    return login.step(
        "password", {"email": email, "password": password}, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Tester/1.0"
    )


def test_a_login_records_success_with_user_address_and_agent_and_no_secret(login):
    user = UserFactory()
    issued = tokens_of(password_login(login, user.email, DEFAULT_PASSWORD))
    (event,) = events(Kind.LOGIN_SUCCEEDED)
    assert (event.user, event.client_ip, event.user_agent) == (user, "203.0.113.7", "Tester/1.0")
    assert event.identifier_hash == identifier_key(user.email)
    assert_no_secrets(DEFAULT_PASSWORD, issued.access, issued.refresh, user.email)


def test_failures_and_the_lockout_are_recorded_by_identifier_hash_for_unknown_accounts_too(login):
    for _ in range(2):
        password_login(login, "nobody@example.com", WRONG)
    failures = events(Kind.LOGIN_FAILED)
    assert len(failures) == 2
    assert {event.identifier_hash for event in failures} == {identifier_key("nobody@example.com")}
    assert failures[0].extra == {"scenario": "password", "step": "credentials", "code": "invalid_credentials"}
    (locked,) = events(Kind.LOCKED_OUT)
    assert locked.extra["budget"] == "account"
    password_login(login, "nobody@example.com", WRONG)
    assert len(events(Kind.LOGIN_FAILED)) == 2, "refused attempts during a lockout write nothing"
    assert_no_secrets(WRONG, "nobody@example.com")


def test_wrong_email_codes_are_recorded_without_the_code(login):
    user = UserFactory()
    flow = login.step("email-code", {"email": user.email}).json()["flow"]
    code = emailed_code()
    login.step("email-code", {"flow": flow, "code": other_code(code)})
    assert events(Kind.LOGIN_FAILED)[0].extra["code"] == "code_invalid"
    assert_no_secrets(code, other_code(code), flow)
