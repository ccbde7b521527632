"""`POST password/change/` (authenticated): the current password and a new one; every session ends.

The answer carries no tokens: minting a lasting refresh token from a short-lived access
token and the password would let a stolen access token outlive its five minutes.
"""

import pytest
from django.core import mail

from {{ cookiecutter.project_slug }}.authn.errors import (
    NOT_AUTHENTICATED,
    PASSWORD_INCORRECT,
    TOKEN_NOT_VALID,
)
from {{ cookiecutter.project_slug }}.login import lockout as attempts

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import assert_error
from ..sessions.helpers import refresh
from ..tokens import authenticated
from .helpers import emails_to, error_codes

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "brand new sturdy lantern"


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@example.com")


@pytest.fixture
def pair(bob, issue_tokens):
    return issue_tokens(bob)


def change(accounts, pair, old=DEFAULT_PASSWORD, new=NEW_PASSWORD):
    return accounts.post(
        "password/change/",
        {"old_password": old, "new_password": new},
        **authenticated(pair.access),
    )


def test_the_right_current_password_changes_it_and_answers_200_without_tokens(accounts, bob, pair):
    response = change(accounts, pair)
    assert (response.status_code, response.json()) == (200, {})
    assert not response.cookies
    bob.refresh_from_db()
    assert bob.check_password(NEW_PASSWORD)


def test_every_refresh_token_of_the_user_is_revoked(accounts, bob, pair, issue_tokens, api_client):
    other_device = issue_tokens(bob)
    change(accounts, pair)
    for token in (other_device.refresh, pair.refresh):
        response = refresh(api_client, token)
        assert_error(response, 401, TOKEN_NOT_VALID)


def test_a_notice_is_emailed(accounts, bob, pair):
    change(accounts, pair)
    (message,) = emails_to(bob.email)
    assert "changed" in message.subject.lower()


def test_a_wrong_current_password_is_refused_and_changes_nothing(accounts, bob, pair, issue_tokens, api_client):
    other_device = issue_tokens(bob)
    response = change(accounts, pair, old="not my password")
    assert_error(response, 400, PASSWORD_INCORRECT, attr="old_password")
    bob.refresh_from_db()
    assert bob.check_password(DEFAULT_PASSWORD)
    assert mail.outbox == []
    refreshed = refresh(api_client, other_device.refresh)
    assert refreshed.status_code == 200, "a refused change ends no session"


def test_a_wrong_current_password_counts_as_a_failed_attempt(accounts, pair, monkeypatch):
    failures = []
    monkeypatch.setattr(attempts, "record_failure", lambda attempt, code: failures.append((attempt, code)))
    change(accounts, pair, old="not my password")
    assert [(attempt.identifier, attempt.step, code) for attempt, code in failures] == [
        ("bob@example.com", "password-change", PASSWORD_INCORRECT)
    ]


def test_the_attempt_limits_are_asked_before_the_current_password_is_checked(accounts, pair, monkeypatch):
    from rest_framework.exceptions import Throttled

    def locked_out(attempt):
        raise Throttled(wait=60)

    monkeypatch.setattr(attempts, "check_allowed", locked_out)
    response = change(accounts, pair)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"


def test_without_authentication_the_answer_is_401(accounts):
    response = accounts.post("password/change/", {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD})
    assert_error(response, 401, NOT_AUTHENTICATED)


def test_a_weak_new_password_is_refused_with_the_rules_codes(accounts, bob, pair):
    response = change(accounts, pair, new="password1")
    assert response.status_code == 400
    assert ("password_too_common", "new_password") in error_codes(response)
    bob.refresh_from_db()
    assert bob.check_password(DEFAULT_PASSWORD)


def test_missing_fields_are_refused_with_required(accounts, pair):
    response = accounts.post("password/change/", {}, **authenticated(pair.access))
    assert response.status_code == 400
    assert error_codes(response) == {("required", "old_password"), ("required", "new_password")}


@pytest.mark.parametrize(
    "field", ["is_staff", "is_superuser", "is_active", "email", "password"], ids=lambda field: field
)
def test_privilege_fields_sent_with_a_change_are_refused(accounts, bob, pair, field):
    body = {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD, field: "evil@example.com"}
    response = accounts.post("password/change/", body, **authenticated(pair.access))
    assert response.status_code == 400, response.content
    assert error_codes(response) == {("unexpected_field", field)}
    bob.refresh_from_db()
    assert (bob.email, bob.is_staff, bob.is_superuser, bob.is_active) == ("bob@example.com", False, False, True)
    assert bob.check_password(DEFAULT_PASSWORD)
