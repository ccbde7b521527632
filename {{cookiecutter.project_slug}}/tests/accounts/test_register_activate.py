"""`POST register/activate/` with the `uid` and `token` of the emailed link.

A valid link switches the account on once; a used, wrong, expired or malformed link,
or a link for another purpose, is refused with `activation_link_invalid`, never a 500.
An account that staff deactivated is never switched back on by a link.
"""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from {{ cookiecutter.project_slug }}.accounts.link_tokens import (
    activation_token_generator,
    encode_uid,
    password_reset_token_generator,
)
from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.authn.errors import (
    ACTIVATION_LINK_INVALID,
)
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..factories import UserFactory
from ..login.helpers import assert_complete, assert_error, enable_scenarios, login_url
from .helpers import activation_params, emails_to, error_codes, travel

pytestmark = pytest.mark.django_db

EMAIL = "new@example.com"
PASSWORD = "sturdy lantern orchard"
User = get_user_model()


@pytest.fixture
def link(accounts) -> dict[str, str]:
    """The `uid` and `token` emailed to a fresh registration of EMAIL."""
    accounts.post("register/", {"email": EMAIL, "password": PASSWORD})
    (message,) = emails_to(EMAIL)
    return activation_params(message)


def activate(accounts, body):
    return accounts.post("register/activate/", body)


def test_a_valid_link_activates_the_account_and_answers_200(accounts, link):
    response = activate(accounts, link)
    assert response.status_code == 200, response.content
    assert response.json() == {}
    user = User.objects.get(email=EMAIL)
    assert user.is_active
    assert not user.activation_pending


def test_after_activation_the_account_logs_in(accounts, link, api_client, settings):
    enable_scenarios(settings, PasswordScenario)
    activate(accounts, link)
    response = api_client.post(login_url("password"), {"email": EMAIL, "password": PASSWORD}, format="json")
    assert_complete(response, User.objects.get(email=EMAIL))


def test_activation_issues_no_tokens(accounts, link):
    response = activate(accounts, link)
    assert response.json() == {}
    assert not response.cookies


def test_a_used_link_is_refused(accounts, link):
    activate(accounts, link)
    assert_error(activate(accounts, link), 400, ACTIVATION_LINK_INVALID)


def test_an_expired_link_is_refused(accounts, link, monkeypatch):
    travel(monkeypatch, gatehouse_settings.ACTIVATION_TOKEN_TTL + timedelta(seconds=2))
    assert_error(activate(accounts, link), 400, ACTIVATION_LINK_INVALID)
    assert not User.objects.get(email=EMAIL).is_active


def test_a_link_within_its_lifetime_works(accounts, link, monkeypatch):
    travel(monkeypatch, timedelta(hours=23))
    assert activate(accounts, link).status_code == 200


def test_activation_links_live_at_most_a_day():
    assert timedelta(hours=24) >= gatehouse_settings.ACTIVATION_TOKEN_TTL


def test_a_token_with_the_uid_of_another_account_is_refused(accounts, link):
    accounts.post("register/", {"email": "other@example.com", "password": PASSWORD})
    other = activation_params(emails_to("other@example.com")[0])
    assert_error(activate(accounts, {"uid": other["uid"], "token": link["token"]}), 400, ACTIVATION_LINK_INVALID)
    assert not User.objects.get(email="other@example.com").is_active


def test_a_password_reset_token_cannot_activate(accounts, link):
    user = User.objects.get(email=EMAIL)
    reset_token = password_reset_token_generator.make_token(user)
    assert_error(activate(accounts, {"uid": link["uid"], "token": reset_token}), 400, ACTIVATION_LINK_INVALID)
    assert not User.objects.get(email=EMAIL).is_active


def test_an_account_deactivated_by_staff_cannot_be_activated_by_a_link(accounts, link):
    user = User.objects.get(email=EMAIL)
    user.is_active, user.activation_pending = False, False
    user.save()
    assert_error(activate(accounts, link), 400, ACTIVATION_LINK_INVALID)
    assert not User.objects.get(email=EMAIL).is_active


def test_an_active_account_that_staff_deactivated_gets_no_activation_link(accounts):
    user = UserFactory(email="staff-deactivated@example.com", is_active=False)
    accounts.post("register/resend/", {"email": user.email})
    accounts.post("register/", {"email": user.email, "password": PASSWORD})
    assert all("token=" not in message.body for message in emails_to(user.email))
    # Even a well-made token (which nobody was sent) cannot switch on an account that does not wait for one.
    token = activation_token_generator.make_token(user)
    assert_error(activate(accounts, {"uid": encode_uid(user), "token": token}), 400, ACTIVATION_LINK_INVALID)


def test_a_link_dies_when_the_email_changes(accounts, link):
    User.objects.filter(email=EMAIL).update(email="changed@example.com")
    assert_error(activate(accounts, link), 400, ACTIVATION_LINK_INVALID)


@pytest.mark.parametrize(
    "change",
    [
        {"uid": "not-base64!!"},
        {"uid": "bm90LWEtdXVpZA"},  # base64 of "not-a-uuid"
        {"uid": ""},
        {"uid": "A" * 10_000},
        {"uid": "MTIz\x00"},
        {"uid": "\u00e9t\u00e9"},
        {"token": ""},
        {"token": "x" * 10_000},
        {"token": "abc-def"},
        {"token": "zzzzzzzzzzzzzz-0"},
        {"token": "\x00"},
        {"token": "%2F..%2F"},
    ],
)
def test_a_malformed_link_is_refused_with_the_link_code(accounts, link, change):
    response = activate(accounts, {**link, **change})
    assert_error(response, 400, ACTIVATION_LINK_INVALID)


@pytest.mark.parametrize("field", ["uid", "token"])
def test_a_lone_surrogate_in_a_link_is_refused_with_the_link_code(accounts, link, field):
    body = json.dumps({**link, field: "SURROGATE"}).replace("SURROGATE", "\\ud800")
    assert_error(accounts.raw("register/activate/", body), 400, ACTIVATION_LINK_INVALID)


@pytest.mark.parametrize("value", [None, 1, [], {}, True])
def test_a_link_part_of_the_wrong_type_is_refused(accounts, link, value):
    for field in ("uid", "token"):
        response = activate(accounts, {**link, field: value})
        assert response.status_code == 400, response.content
        assert {attr for _code, attr in error_codes(response)} == {field}


def test_missing_fields_are_refused_with_required(accounts):
    response = activate(accounts, {})
    assert response.status_code == 400
    assert error_codes(response) == {("required", "uid"), ("required", "token")}
