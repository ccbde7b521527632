"""`POST password/reset/` and `password/reset/confirm/`: a link by email, then a new password.

The request answers `200 {}` whatever the address, and only an active account is
emailed. Confirming sets the password, ends every session of the user, sends a notice,
logs nobody in, and never switches an account on. A used, wrong, expired or malformed
link, or a link for another purpose, is refused with `password_reset_link_invalid`.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from {{ cookiecutter.project_slug }}.accounts.link_tokens import (
    activation_token_generator,
    encode_uid,
)
from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.authn.errors import (
    PASSWORD_RESET_LINK_INVALID,
    TOKEN_NOT_VALID,
)
from {{ cookiecutter.project_slug }}.login import lockout as attempts
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import assert_complete, assert_error, enable_scenarios, login_url
from ..sessions.helpers import refresh
from .helpers import emails_to, error_codes, reset_params, travel

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "brand new sturdy lantern"
User = get_user_model()


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@example.com")


@pytest.fixture
def link(accounts, bob) -> dict[str, str]:
    """The `uid` and `token` of a reset link emailed to bob."""
    accounts.post("password/reset/", {"email": bob.email})
    (message,) = emails_to(bob.email)
    mail.outbox.clear()
    return reset_params(message)


def confirm(accounts, link, password=NEW_PASSWORD):
    return accounts.post("password/reset/confirm/", {**link, "password": password})


def test_a_reset_request_answers_200_with_an_empty_body_and_emails_a_link(accounts, bob, settings):
    settings.FRONTEND_URL = "https://app.example.org"
    response = accounts.post("password/reset/", {"email": "BOB@example.com"})
    assert (response.status_code, response.json()) == (200, {})
    (message,) = emails_to(bob.email)
    assert reset_params(message)
    assert "https://app.example.org/reset-password?" in message.body


def test_a_reset_request_answers_alike_for_active_inactive_and_unknown_addresses(accounts, bob):
    UserFactory(email="inactive@example.com", is_active=False)
    answers = [
        accounts.post("password/reset/", {"email": email})
        for email in (bob.email, "inactive@example.com", "nobody@example.com")
    ]
    assert {(answer.status_code, answer.content) for answer in answers} == {(200, b"{}")}
    assert len({frozenset(set(answer.headers) - {"X-Request-ID"}) for answer in answers}) == 1


def test_no_email_goes_to_an_address_without_an_active_account(accounts):
    UserFactory(email="inactive@example.com", is_active=False)
    accounts.post("password/reset/", {"email": "nobody@example.com"})
    accounts.post("password/reset/", {"email": "inactive@example.com"})
    assert mail.outbox == [], "no 'no account' email: nothing goes to addresses without an active account"


def test_a_look_alike_address_gets_no_email(accounts):
    UserFactory(email="mike@example.org")
    accounts.post("password/reset/", {"email": "m\u0131ke@example.org"})
    accounts.post("password/reset/", {"email": "MIKE@example.org"})
    assert [message.to for message in mail.outbox] == [["mike@example.org"]], "mail goes to the stored address only"


def test_the_reset_link_ignores_the_host_the_request_names(accounts, bob, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.FRONTEND_URL = "https://app.example.org"
    accounts.post(
        "password/reset/", {"email": bob.email}, HTTP_HOST="evil.example", HTTP_X_FORWARDED_HOST="evil.example"
    )
    (message,) = emails_to(bob.email)
    assert "evil.example" not in message.body
    assert "evil.example" not in message.alternatives[0][0]


def test_a_reset_request_changes_nothing_on_the_account(accounts, bob):
    accounts.post("password/reset/", {"email": bob.email})
    bob.refresh_from_db()
    assert bob.check_password(DEFAULT_PASSWORD), "the old password works until the reset completes"


def test_a_reset_request_reports_the_email_to_attempts_as_a_recovery_email(accounts, monkeypatch):
    recorded = []
    monkeypatch.setattr(
        attempts, "record_email", lambda attempt, **kwargs: recorded.append((attempt.identifier, attempt.step, kwargs))
    )
    accounts.post("password/reset/", {"email": "Nobody@example.com"})
    assert recorded == [("nobody@example.com", "password-reset", {"recovery": True})]


def test_confirming_sets_the_new_password_and_answers_200_without_tokens(accounts, bob, link):
    response = confirm(accounts, link)
    assert (response.status_code, response.json()) == (200, {})
    assert not response.cookies, "a reset logs nobody in"
    bob.refresh_from_db()
    assert bob.check_password(NEW_PASSWORD)
    assert not bob.check_password(DEFAULT_PASSWORD)


def test_confirming_revokes_every_refresh_token_of_the_user(accounts, bob, link, issue_tokens, api_client):
    pairs = [issue_tokens(bob), issue_tokens(bob)]
    confirm(accounts, link)
    for pair in pairs:
        response = refresh(api_client, pair.refresh)
        assert_error(response, 401, TOKEN_NOT_VALID)


def test_confirming_emails_a_notice_that_the_password_changed(accounts, bob, link):
    confirm(accounts, link)
    (message,) = emails_to(bob.email)
    assert "password" in message.subject.lower()
    assert "changed" in message.subject.lower()


def test_after_a_reset_the_new_password_logs_in(accounts, bob, link, api_client, settings):
    enable_scenarios(settings, PasswordScenario)
    confirm(accounts, link)
    response = api_client.post(login_url("password"), {"email": bob.email, "password": NEW_PASSWORD}, format="json")
    assert_complete(response, bob)


def test_a_used_link_is_refused(accounts, link):
    confirm(accounts, link)
    assert_error(confirm(accounts, link, password="another sturdy lantern"), 400, PASSWORD_RESET_LINK_INVALID)


def test_an_expired_link_is_refused(accounts, bob, link, monkeypatch):
    travel(monkeypatch, gatehouse_settings.PASSWORD_RESET_TOKEN_TTL + timedelta(seconds=2))
    assert_error(confirm(accounts, link), 400, PASSWORD_RESET_LINK_INVALID)
    bob.refresh_from_db()
    assert bob.check_password(DEFAULT_PASSWORD)


def test_reset_links_live_at_most_an_hour():
    assert timedelta(hours=1) >= gatehouse_settings.PASSWORD_RESET_TOKEN_TTL


def test_a_link_dies_when_its_user_logs_in(accounts, bob, link, api_client, settings):
    enable_scenarios(settings, PasswordScenario)
    api_client.post(login_url("password"), {"email": bob.email, "password": DEFAULT_PASSWORD}, format="json")
    assert_error(confirm(accounts, link), 400, PASSWORD_RESET_LINK_INVALID)


def test_a_link_dies_when_the_password_changes_otherwise(accounts, bob, link):
    bob.set_password("changed elsewhere meanwhile")
    bob.save()
    assert_error(confirm(accounts, link), 400, PASSWORD_RESET_LINK_INVALID)


def test_an_activation_token_cannot_reset_a_password(accounts, bob):
    token = activation_token_generator.make_token(bob)
    assert_error(confirm(accounts, {"uid": encode_uid(bob), "token": token}), 400, PASSWORD_RESET_LINK_INVALID)
    bob.refresh_from_db()
    assert bob.check_password(DEFAULT_PASSWORD)


def test_a_user_deactivated_by_staff_cannot_reset_or_reactivate(accounts, bob, link):
    bob.is_active = False
    bob.save()
    assert_error(confirm(accounts, link), 400, PASSWORD_RESET_LINK_INVALID)
    bob.refresh_from_db()
    assert not bob.is_active, "a reset never switches an account on"
    assert bob.check_password(DEFAULT_PASSWORD)


def test_a_weak_new_password_is_refused_and_the_link_still_works(accounts, bob, link):
    response = confirm(accounts, link, password="bob@example.com")
    assert response.status_code == 400
    assert ("password_too_similar", "password") in error_codes(response)
    assert confirm(accounts, link).status_code == 200


def test_a_new_password_over_the_maximum_length_is_refused(accounts, link):
    response = confirm(accounts, link, password="x" * (gatehouse_settings.PASSWORD_MAX_LENGTH + 1))
    assert response.status_code == 400
    assert error_codes(response) == {("max_length", "password")}


@pytest.mark.parametrize(
    "change",
    [
        {"uid": "not-base64!!"},
        {"uid": "A" * 10_000},
        {"uid": "\x00"},
        {"token": "x" * 10_000},
        {"token": "1-\x00"},
        {"token": ""},
    ],
)
def test_a_malformed_link_is_refused_with_the_link_code(accounts, link, change):
    assert_error(confirm(accounts, {**link, **change}), 400, PASSWORD_RESET_LINK_INVALID)


def test_missing_fields_are_refused_with_required(accounts):
    response = accounts.post("password/reset/confirm/", {})
    assert response.status_code == 400
    assert error_codes(response) == {("required", "uid"), ("required", "token"), ("required", "password")}


@pytest.mark.parametrize("value", [None, 1, [], {}])
def test_a_reset_request_with_a_wrong_type_is_refused(accounts, value):
    response = accounts.post("password/reset/", {"email": value})
    assert response.status_code == 400
    assert {attr for _code, attr in error_codes(response)} == {"email"}
