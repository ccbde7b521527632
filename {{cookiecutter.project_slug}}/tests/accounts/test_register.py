"""`POST register/`: an inactive account and an activation link, or, for a known address, the same answer.

The answer is `201 {}` either way; a known address gets an email saying it already
has an account, and no second account is created.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone
from kombu.exceptions import OperationalError

from {{ cookiecutter.project_slug }}.authn.errors import (
    ACCOUNT_INACTIVE,
    INVALID_CREDENTIALS,
)
from {{ cookiecutter.project_slug }}.login import lockout as attempts
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario
from {{ cookiecutter.project_slug }}.mail import tasks
from {{ cookiecutter.project_slug }}.mail.models import OutboxEmail

from ..factories import UserFactory
from ..login.helpers import assert_error, enable_scenarios, login_url
from .helpers import activation_params, emails_to, error_codes

pytestmark = pytest.mark.django_db

PASSWORD = "sturdy lantern orchard"
User = get_user_model()


def register(accounts, email="new@example.com", password=PASSWORD, **fields):
    return accounts.post("register/", {"email": email, "password": password, **fields})


def test_register_answers_201_with_an_empty_body(accounts):
    response = register(accounts)
    assert response.status_code == 201, response.content
    assert response.json() == {}


def test_register_creates_an_inactive_account_that_waits_for_activation(accounts):
    register(accounts, email="New@Example.com")
    user = User.objects.get(email="new@example.com")
    assert not user.is_active, "a registered account must stay inactive until its link is used"
    assert user.activation_pending
    assert user.check_password(PASSWORD)


def test_register_emails_an_activation_link_on_the_frontend_with_uid_and_token(accounts, settings):
    settings.FRONTEND_URL = "https://app.example.org"
    register(accounts)
    (message,) = emails_to("new@example.com")
    params = activation_params(message)
    assert params["uid"]
    assert params["token"]
    assert "https://app.example.org/activate?" in message.alternatives[0][0].replace("&amp;", "&"), (
        "the HTML part must carry the same link"
    )


def test_the_activation_link_ignores_the_host_the_request_names(accounts, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.FRONTEND_URL = "https://app.example.org"
    accounts.post(
        "register/",
        {"email": "new@example.com", "password": PASSWORD},
        HTTP_HOST="evil.example",
        HTTP_X_FORWARDED_HOST="evil.example",
    )
    (message,) = emails_to("new@example.com")
    assert "evil.example" not in message.body
    activation_params(message)


def test_a_known_address_gets_the_same_answer_and_an_email_saying_it_has_an_account(accounts):
    existing = UserFactory(email="known@example.com")
    known = register(accounts, email="known@example.com")
    unknown = register(accounts, email="unknown@example.com")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) == (201, {})
    assert set(known.headers) - {"X-Request-ID"} == set(unknown.headers) - {"X-Request-ID"}
    (message,) = emails_to("known@example.com")
    assert "already has an account" in message.body
    assert "token=" not in message.body, "the notice carries no link token"
    existing.refresh_from_db()
    assert existing.is_active, "nothing changes on the account"
    assert existing.check_password("correct horse battery staple"), "nothing changes on the account"


def test_a_known_address_in_another_case_creates_no_second_account(accounts):
    UserFactory(email="bob@example.com")
    response = register(accounts, email="BOB@Example.COM")
    assert response.status_code == 201
    assert User.objects.filter(email__iexact="bob@example.com").count() == 1
    assert len(emails_to("bob@example.com")) == 1


def test_registering_again_while_waiting_sends_the_activation_link_again(accounts):
    register(accounts)
    register(accounts)
    messages = emails_to("new@example.com")
    assert len(messages) == 2
    assert all(activation_params(message) for message in messages)
    assert User.objects.filter(email="new@example.com").count() == 1


def test_register_stores_the_names_given(accounts):
    register(accounts, first_name="Ada", last_name="Lovelace")
    user = User.objects.get(email="new@example.com")
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")


def test_the_activation_email_does_not_show_the_name_a_registration_gave(accounts):
    register(accounts, first_name="Visit http://evil.example")
    (message,) = emails_to("new@example.com")
    assert "evil.example" not in message.body, "anyone can register any address: the name is not its owner's"


@pytest.mark.parametrize(
    "field",
    [
        {"is_active": True},
        {"is_staff": True},
        {"is_superuser": True},
        {"activation_pending": False},
        {"email_verified": True},
        {"date_joined": "2000-01-01T00:00:00Z"},
        {"last_login": "2000-01-01T00:00:00Z"},
        {"groups": [1]},
        {"user_permissions": [1]},
        {"id": "00000000-0000-0000-0000-000000000001"},
    ],
    ids=lambda field: next(iter(field)),
)
def test_privilege_fields_sent_to_register_are_refused(accounts, field):
    response = register(accounts, **field)
    assert response.status_code == 400, response.content
    assert error_codes(response) == {("unexpected_field", next(iter(field)))}
    assert not User.objects.filter(email="new@example.com").exists()


def test_until_activated_login_says_account_inactive_only_after_the_right_password(accounts, api_client, settings):
    enable_scenarios(settings, PasswordScenario)
    register(accounts)
    wrong = api_client.post(login_url("password"), {"email": "new@example.com", "password": "wrong"}, format="json")
    assert_error(wrong, 401, INVALID_CREDENTIALS)
    right = api_client.post(login_url("password"), {"email": "new@example.com", "password": PASSWORD}, format="json")
    assert_error(right, 403, ACCOUNT_INACTIVE)
    assert "access" not in right.json()
    assert "refresh" not in right.json()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1!", "password_too_short"),
        ("password1", "password_too_common"),
        ("84736291047", "password_entirely_numeric"),
        ("newcomer@example.com", "password_too_similar"),
    ],
)
def test_a_password_that_breaks_a_rule_is_refused_with_the_rules_code(accounts, password, code):
    response = register(accounts, email="newcomer@example.com", password=password)
    assert response.status_code == 400, response.content
    assert (code, "password") in error_codes(response)


def test_nothing_is_created_or_sent_when_the_password_is_refused(accounts):
    UserFactory(email="known@example.com")
    register(accounts, email="new@example.com", password="short")
    register(accounts, email="known@example.com", password="short")
    assert not User.objects.filter(email="new@example.com").exists()
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


def test_a_password_over_the_maximum_length_is_refused_before_any_hashing(accounts, settings, monkeypatch):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "PASSWORD_MAX_LENGTH": 64}

    def no_hashing(*args, **kwargs):
        raise AssertionError("a password over the maximum length must be refused before it is hashed")

    monkeypatch.setattr("django.contrib.auth.hashers.make_password", no_hashing)
    response = register(accounts, password="x" * 65)
    assert response.status_code == 400
    assert error_codes(response) == {("max_length", "password")}


def test_a_long_password_within_the_maximum_is_accepted(accounts):
    response = register(accounts, password="correct horse " * 9)
    assert response.status_code == 201, response.content


def test_missing_fields_are_refused_with_required(accounts):
    response = accounts.post("register/", {})
    assert response.status_code == 400
    assert error_codes(response) == {("required", "email"), ("required", "password")}


@pytest.mark.parametrize("value", [None, 12345678, ["a@example.com"], {"$ne": None}, True])
def test_fields_of_the_wrong_type_are_refused(accounts, value):
    for field in ("email", "password", "first_name"):
        body = {"email": "new@example.com", "password": PASSWORD, field: value}
        response = accounts.post("register/", body)
        assert response.status_code == 400, (field, value, response.content)
        assert {attr for _code, attr in error_codes(response)} == {field}
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "email",
    [
        "victim@example.com\r\nBcc: attacker@evil.example",
        "victim@example.com\nx",
        "victim@example.com\x00evil",
        "vic\x07tim@example.com",
        "victim@example.com\u2028",
        "not an address",
    ],
)
def test_an_address_with_control_characters_or_no_address_is_refused(accounts, email):
    response = register(accounts, email=email)
    assert response.status_code == 400, response.content
    assert {attr for _code, attr in error_codes(response)} == {"email"}
    assert mail.outbox == []
    assert not User.objects.exists()


def test_get_is_not_allowed(api_client):
    response = api_client.get("/api/auth/register/")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"


def test_a_registration_that_loses_a_race_for_the_address_answers_201_and_sends_nothing(accounts, monkeypatch):
    winner = UserFactory(email="race@example.com")
    # The losing request looked the address up before the winner committed.
    real_get_by_email = type(User.objects).get_by_email
    lookups = []

    def get_by_email(manager, email):
        lookups.append(email)
        return None if len(lookups) == 1 else real_get_by_email(manager, email)

    monkeypatch.setattr(type(User.objects), "get_by_email", get_by_email)
    response = register(accounts, email="race@example.com")
    assert response.status_code == 201
    assert list(User.objects.filter(email="race@example.com")) == [winner]
    assert emails_to("race@example.com") == [], "the losing request must not email anybody"
    assert not OutboxEmail.objects.exists()


def test_registration_reports_the_email_it_sends_to_attempts(accounts, monkeypatch):
    recorded = []
    monkeypatch.setattr(attempts, "record_email", recorded.append)
    register(accounts, email="New@Example.com")
    assert [(attempt.identifier, attempt.step) for attempt in recorded] == [("new@example.com", "register")]


def test_integrity_errors_other_than_a_race_are_not_hidden(accounts, monkeypatch):
    def broken_save(*args, **kwargs):
        raise IntegrityError("a constraint of the project")

    monkeypatch.setattr(User, "save", broken_save)
    with pytest.raises(IntegrityError):
        register(accounts)


# The outbox (mail/): a registration's email is a row, sent once, and sent later when the broker is down.


def test_a_registration_writes_its_email_to_the_outbox_and_sends_it_once(accounts):
    accounts.post("register/", {"email": "new@example.com", "password": PASSWORD})
    (row,) = OutboxEmail.objects.all()
    assert (row.kind, row.user.email, row.status, row.attempts) == (
        "activation",
        "new@example.com",
        OutboxEmail.Status.SENT,
        1,
    )
    assert row.sent_at is not None
    assert len(emails_to("new@example.com")) == 1


def test_when_the_broker_is_down_registration_answers_201_and_the_drain_sends_later(
    accounts, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver_outbox_email, "apply_async", broker_down)
    response = accounts.post("register/", {"email": "new@example.com", "password": PASSWORD})
    assert response.status_code == 201
    (row,) = OutboxEmail.objects.all()
    assert row.status == OutboxEmail.Status.PENDING
    assert row.user.email == "new@example.com"
    assert row.next_attempt_at <= timezone.now(), "a row that could not be published is due at once"
    assert mail.outbox == []

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.drain_outbox.delay()
    (message,) = emails_to("new@example.com")
    assert accounts.post("register/activate/", activation_params(message)).status_code == 200
