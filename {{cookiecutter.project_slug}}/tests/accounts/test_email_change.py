"""`POST email/change/` and `email/change/confirm/`: the login moves to a new address once its mailbox answers.

The request needs a recent login and answers `{}` whatever the address; the new address
gets a link, the current one a notice; a taken address gets an email saying so and
nothing changes. The link is single-use, dies with a newer request, and its use ends
every session but the one that asked. Tokens travel as this project's transport has them.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings

from ..factories import UserFactory
from ..sessions.transport_client import TransportClient, age_the_login
from .helpers import emails_to, link_params, travel

pytestmark = pytest.mark.django_db

CHANGE_URL = "/api/auth/email/change/"
CONFIRM_URL = "/api/auth/email/change/confirm/"
User = get_user_model()


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """post(client, url, body): the request, with the emails it queued sent (the commit callbacks run)."""

    def post(client: TransportClient, url: str, body: dict):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, body)

    return post


def login_status(user) -> int:
    """The status of a password login as `user` from a client of its own."""
    client = TransportClient()
    client.fetch_csrf_token()
    return int(client.log_in(user).status_code)


def confirmation_link(address: str) -> dict[str, str]:
    (message,) = [message for message in emails_to(address) if "Confirm" in message.subject]
    return link_params(message, gatehouse_settings.EMAIL_CHANGE_URL_PATH)


def test_the_login_moves_to_the_new_address_once_its_link_is_used(log_in, post):
    user = UserFactory(email="ada@example.com")
    client, other_device = log_in(user), log_in(user)
    response = post(client, CHANGE_URL, {"new_email": "Ada@Lovelace.example"})
    assert (response.status_code, response.json()) == (200, {}), response.content
    (notice,) = [message for message in emails_to("ada@example.com") if "new email address" in message.subject]
    assert "ada@lovelace.example" in notice.body, "the current address hears of it"
    user.refresh_from_db()
    assert user.email == "ada@example.com", "nothing moves before the new mailbox answers"

    confirmed = post(client, CONFIRM_URL, confirmation_link("ada@lovelace.example"))
    assert confirmed.status_code == 200, confirmed.content
    user.refresh_from_db()
    assert user.email == "ada@lovelace.example"
    assert other_device.refresh_tokens().status_code == 401, "the other sessions end"
    assert client.refresh_tokens().status_code == 200, "the session that asked lives on"
    assert login_status(user) == 200, "the new address logs in"
    assert login_status(User(email="ada@example.com")) == 401, "the old one does not"
    assert AuthEvent.objects.filter(kind=AuthEvent.Kind.EMAIL_CHANGED, user=user).count() == 1


def test_a_used_link_is_refused(log_in, post):
    user = UserFactory()
    client = log_in(user)
    post(client, CHANGE_URL, {"new_email": "new@example.com"})
    link = confirmation_link("new@example.com")
    assert post(client, CONFIRM_URL, link).status_code == 200
    replayed = post(client, CONFIRM_URL, link)
    assert (replayed.status_code, replayed.json()["errors"][0]["code"]) == (400, "email_change_link_invalid")


def test_a_newer_request_supersedes_the_older_link(log_in, post):
    user = UserFactory(email="ada@example.com")
    client = log_in(user)
    post(client, CHANGE_URL, {"new_email": "first@example.com"})
    older = confirmation_link("first@example.com")
    post(client, CHANGE_URL, {"new_email": "second@example.com"})
    refused = post(client, CONFIRM_URL, older)
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (400, "email_change_link_invalid")
    assert post(client, CONFIRM_URL, confirmation_link("second@example.com")).status_code == 200
    user.refresh_from_db()
    assert user.email == "second@example.com"


def test_an_expired_link_is_refused(log_in, post, monkeypatch):
    client = log_in(UserFactory())
    post(client, CHANGE_URL, {"new_email": "new@example.com"})
    link = confirmation_link("new@example.com")
    travel(monkeypatch, gatehouse_settings.EMAIL_CHANGE_TOKEN_TTL + timedelta(minutes=1))
    refused = post(client, CONFIRM_URL, link)
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (400, "email_change_link_invalid")


def test_a_taken_address_answers_the_same_and_its_owner_is_told(log_in, post):
    UserFactory(email="grace@example.com")
    user = UserFactory(email="ada@example.com")
    client = log_in(user)
    response = post(client, CHANGE_URL, {"new_email": "grace@example.com"})
    assert (response.status_code, response.json()) == (200, {}), "the answer tells nothing of the address"
    (told,) = emails_to("grace@example.com")
    assert "already has an account" in told.body
    assert "move another" in told.body
    assert not [message for message in mail.outbox if "Confirm" in message.subject], "no link to confirm"
    user.refresh_from_db()
    assert user.email == "ada@example.com"


def test_an_address_taken_between_the_request_and_the_link_is_refused(log_in, post):
    user = UserFactory(email="ada@example.com")
    client = log_in(user)
    post(client, CHANGE_URL, {"new_email": "new@example.com"})
    link = confirmation_link("new@example.com")
    UserFactory(email="new@example.com")
    refused = post(client, CONFIRM_URL, link)
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (400, "email_change_link_invalid")
    user.refresh_from_db()
    assert user.email == "ada@example.com"


def test_asking_long_after_the_login_needs_a_reauthentication(log_in, post):
    user = UserFactory()
    client = log_in(user)
    age_the_login(client, user, timedelta(hours=1))
    response = post(client, CHANGE_URL, {"new_email": "new@example.com"})
    assert (response.status_code, response.json()["errors"][0]["code"]) == (401, "reauthentication_required")
    assert not mail.outbox


@pytest.mark.parametrize("body", [{"new_email": "not an address"}, {"new_email": "a@b.c", "email": "x"}, {}])
def test_a_malformed_request_is_refused_with_a_code(body, log_in, post):
    response = post(log_in(UserFactory()), CHANGE_URL, body)
    assert response.status_code == 400, response.content
    assert not mail.outbox


@pytest.mark.parametrize("link", [{"uid": "x", "token": "y"}, {"uid": "", "token": ""}])
def test_a_wrong_link_is_refused(link, log_in, post):
    refused = post(log_in(UserFactory()), CONFIRM_URL, link)
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (400, "email_change_link_invalid")
