"""`POST register/resend/`: `200 {}` always; only an account that waits for activation gets a link."""

import pytest
from django.core import mail

from {{ cookiecutter.project_slug }}.login import lockout as attempts

from ..factories import UserFactory
from .helpers import activation_params, emails_to, error_codes

pytestmark = pytest.mark.django_db

PASSWORD = "sturdy lantern orchard"


def resend(accounts, email):
    return accounts.post("register/resend/", {"email": email})


def test_a_waiting_account_gets_a_new_activation_link_that_works(accounts):
    accounts.post("register/", {"email": "waiting@example.com", "password": PASSWORD})
    mail.outbox.clear()
    response = resend(accounts, "Waiting@Example.com")
    assert (response.status_code, response.json()) == (200, {})
    (message,) = emails_to("waiting@example.com")
    assert accounts.post("register/activate/", activation_params(message)).status_code == 200


def test_an_active_account_an_inactive_one_and_an_unknown_address_get_the_same_answer_and_no_email(accounts):
    UserFactory(email="active@example.com")
    UserFactory(email="deactivated@example.com", is_active=False)
    answers = [
        resend(accounts, email) for email in ("active@example.com", "deactivated@example.com", "nobody@example.com")
    ]
    assert {(answer.status_code, answer.content) for answer in answers} == {(200, b"{}")}
    assert len({frozenset(set(answer.headers) - {"X-Request-ID"}) for answer in answers}) == 1
    assert mail.outbox == [], "only an account that waits for activation is emailed"


def test_an_invalid_address_is_refused(accounts):
    response = resend(accounts, "nobody@example.com\r\nBcc: x@evil.example")
    assert response.status_code == 400
    assert {attr for _code, attr in error_codes(response)} == {"email"}


def test_resend_reports_the_email_to_attempts_for_any_address(accounts, monkeypatch):
    recorded = []
    monkeypatch.setattr(attempts, "record_email", recorded.append)
    resend(accounts, "nobody@example.com")
    assert [(attempt.identifier, attempt.step) for attempt in recorded] == [("nobody@example.com", "register-resend")]
