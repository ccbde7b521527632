"""Registration and resending the activation link: one account per mailbox, whatever the spelling.

Registering another spelling of a known address (its case, full-width letters, the
Unicode form of its IDN domain) is registering that address: the same `201 {}` as any
registration, no second account, and the email goes to the stored address. A look-alike
with an invisible or format character is refused with 400 `email_invalid` whether or not
the account it imitates exists.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from {{ cookiecutter.project_slug }}.authn.errors import EMAIL_INVALID

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..users.spellings import FULL_WIDTH_BOB, LOOK_ALIKES
from .helpers import emails_to, error_codes

pytestmark = pytest.mark.django_db

PASSWORD = "sturdy lantern orchard"
User = get_user_model()


def register(accounts, email, password=PASSWORD):
    return accounts.post("register/", {"email": email, "password": password})


@pytest.mark.parametrize("spelling", ["Bob@Example.COM", FULL_WIDTH_BOB], ids=ascii)
def test_registering_another_spelling_of_a_known_address_creates_no_account(accounts, spelling):
    existing = UserFactory(email="bob@example.com")
    known = register(accounts, spelling)
    unknown = register(accounts, "carol@example.com")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) == (201, {})
    assert User.objects.filter(email__endswith="@example.com").count() == 2, "bob's account and carol's, no other"
    existing.refresh_from_db()
    assert existing.check_password(DEFAULT_PASSWORD), "only the original password may log in"
    assert not existing.check_password(PASSWORD)
    assert len(emails_to("bob@example.com")) == 1, "the owner hears of it at the stored address"


def test_an_idn_address_is_registered_under_its_a_label_and_its_unicode_spelling_is_the_same_address(accounts):
    assert register(accounts, "Dora@M\u00fcnchen.de").status_code == 201
    assert register(accounts, "dora@xn--mnchen-3ya.de").status_code == 201
    assert list(User.objects.values_list("email", flat=True)) == ["dora@xn--mnchen-3ya.de"]
    assert len(emails_to("dora@xn--mnchen-3ya.de")) == 2, "both registrations mailed the one stored address"


@pytest.mark.parametrize("email", LOOK_ALIKES, ids=ascii)
def test_a_look_alike_is_refused_the_same_whether_or_not_the_imitated_account_exists(accounts, email):
    without_account = register(accounts, email)
    UserFactory(email="bob@example.com")
    with_account = register(accounts, email)
    assert error_codes(without_account) == {(EMAIL_INVALID, "email")}
    assert (without_account.status_code, without_account.json()) == (with_account.status_code, with_account.json())
    assert list(User.objects.values_list("email", flat=True)) == ["bob@example.com"], "no look-alike account"
    assert mail.outbox == []


@pytest.mark.parametrize("email", LOOK_ALIKES, ids=ascii)
def test_resending_the_activation_link_to_a_look_alike_is_refused_with_email_invalid(accounts, email):
    register(accounts, "bob@example.com")
    mail.outbox.clear()
    response = accounts.post("register/resend/", {"email": email})
    assert error_codes(response) == {(EMAIL_INVALID, "email")}
    assert mail.outbox == []


def test_resending_to_another_spelling_mails_the_stored_address(accounts):
    register(accounts, "bob@example.com")
    mail.outbox.clear()
    response = accounts.post("register/resend/", {"email": FULL_WIDTH_BOB})
    assert (response.status_code, response.json()) == (200, {})
    assert [message.to for message in mail.outbox] == [["bob@example.com"]]
