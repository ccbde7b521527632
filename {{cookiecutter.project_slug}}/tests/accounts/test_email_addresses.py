"""The account endpoints read an email in its canonical form and refuse one that has none.

A full-width or Unicode-domain spelling names the account stored under the canonical
form, and mail only ever goes to the stored address. An address with an invisible or
format character is refused with 400 `email_invalid`, the same answer whether or not the
address it imitates has an account.
"""

import pytest
from django.core import mail

from {{ cookiecutter.project_slug }}.authn.errors import EMAIL_INVALID

from ..factories import UserFactory
from ..users.spellings import FULL_WIDTH_BOB, LOOK_ALIKES
from .helpers import error_codes

pytestmark = pytest.mark.django_db


def request_reset(accounts, email):
    return accounts.post("password/reset/", {"email": email})


@pytest.mark.parametrize("spelling", [FULL_WIDTH_BOB, "Bob@Example.COM"], ids=ascii)
def test_a_reset_for_another_spelling_is_emailed_to_the_stored_address_only(accounts, spelling):
    UserFactory(email="bob@example.com")
    response = request_reset(accounts, spelling)
    assert (response.status_code, response.json()) == (200, {})
    assert [message.to for message in mail.outbox] == [["bob@example.com"]]


def test_a_reset_for_the_unicode_spelling_of_an_idn_address_reaches_its_account(accounts):
    UserFactory(email="dora@xn--mnchen-3ya.de")
    assert request_reset(accounts, "dora@m\u00fcnchen.de").status_code == 200
    assert [message.to for message in mail.outbox] == [["dora@xn--mnchen-3ya.de"]]


@pytest.mark.parametrize("email", LOOK_ALIKES, ids=ascii)
def test_a_reset_for_a_look_alike_is_refused_the_same_whether_or_not_the_account_exists(accounts, email):
    without_account = request_reset(accounts, email)
    UserFactory(email="bob@example.com")
    with_account = request_reset(accounts, email)
    assert error_codes(without_account) == {(EMAIL_INVALID, "email")}
    assert (without_account.status_code, without_account.json()) == (with_account.status_code, with_account.json())
    assert mail.outbox == [], "a look-alike must never be mailed, nor the account it imitates"


@pytest.mark.parametrize("email", ["bob", "bob@example", "bob@ex_ample.com", "bob@example.com."])
def test_a_malformed_address_is_refused_with_email_invalid(accounts, email):
    assert error_codes(request_reset(accounts, email)) == {(EMAIL_INVALID, "email")}


def test_password_validation_refuses_a_look_alike_email(accounts):
    response = accounts.post("password/validate/", {"password": "sturdy lantern orchard", "email": LOOK_ALIKES[0]})
    assert error_codes(response) == {(EMAIL_INVALID, "email")}


def test_control_characters_keep_their_own_code(accounts):
    response = request_reset(accounts, "bob@example.com\r\nBcc: attacker@evil.example")
    assert error_codes(response) == {("control_characters", "email")}
