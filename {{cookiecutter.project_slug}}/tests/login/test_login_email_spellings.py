"""Login by email: every spelling of an account's address reaches it, and look-alikes are refused.

An address is looked up in its canonical form (NFKC, the domain as its IDNA A-label,
lower case), so a full-width or Unicode-domain spelling logs in to the one account. An
address with an invisible or format character (a soft hyphen, a zero-width space) has
no canonical form: it is refused with 400 `email_invalid` before any account is looked
up, so the answer is the same whether or not the address it imitates has an account.
"""

import pytest

from {{ cookiecutter.project_slug }}.authn.errors import EMAIL_INVALID

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..users.spellings import FULL_WIDTH_BOB, LOOK_ALIKES
from .helpers import BUILTIN_SCENARIOS, LoginClient, assert_complete, assert_error, assert_needs_step, enable_scenarios

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, *BUILTIN_SCENARIOS)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def credentials(email):
    return {"email": email, "password": DEFAULT_PASSWORD}


@pytest.mark.parametrize("spelling", ["Bob@Example.COM", FULL_WIDTH_BOB], ids=ascii)
def test_every_spelling_of_the_address_logs_in_to_the_one_account(login, spelling):
    user = UserFactory(email="bob@example.com")
    assert_complete(login.step("password", credentials(spelling)), user)


@pytest.mark.parametrize("spelling", ["dora@m\u00fcnchen.de", "Dora@M\u00dcNCHEN.de", "dora@xn--mnchen-3ya.de"])
def test_an_idn_address_logs_in_with_its_unicode_or_its_a_label_spelling(login, spelling):
    user = UserFactory(email="dora@xn--mnchen-3ya.de")
    assert_complete(login.step("password", credentials(spelling)), user)


@pytest.mark.parametrize("email", LOOK_ALIKES, ids=ascii)
def test_a_look_alike_address_is_refused_with_email_invalid(login, email):
    UserFactory(email="bob@example.com")
    response = login.step("password", credentials(email))
    assert_error(response, 400, EMAIL_INVALID, attr="email")
    assert len(response.json()["errors"]) == 1, "one problem, one error entry"


@pytest.mark.parametrize("scenario", ["password", "email-code", "password-and-email-code"])
def test_the_refusal_of_a_look_alike_is_the_same_whether_or_not_the_imitated_account_exists(login, scenario):
    body = {"email": "bob@exa\u00admple.com"} | ({} if scenario == "email-code" else {"password": DEFAULT_PASSWORD})
    without_account = login.step(scenario, body)
    UserFactory(email="bob@example.com")
    with_account = login.step(scenario, body)
    assert without_account.status_code == with_account.status_code == 400
    assert without_account.json() == with_account.json()


def test_a_look_alike_gets_no_code_and_the_account_owner_none_either(login, mailoutbox):
    UserFactory(email="bob@example.com")
    assert_error(login.step("email-code", {"email": "bob@exa\u200bmple.com"}), 400, EMAIL_INVALID, attr="email")
    assert mailoutbox == []


def test_the_code_for_a_unicode_spelling_goes_to_the_stored_address(login, mailoutbox):
    UserFactory(email="dora@xn--mnchen-3ya.de")
    assert_needs_step(login.step("email-code", {"email": "Dora@M\u00fcnchen.de"}), "verify")
    assert [message.to for message in mailoutbox] == [["dora@xn--mnchen-3ya.de"]]


@pytest.mark.parametrize("email", ["bob", "bob@@example.com", "bob @example.com", "bob@ex_ample.com"])
def test_any_malformed_address_is_one_email_invalid_error(login, email):
    response = login.step("email-code", {"email": email})
    assert_error(response, 400, EMAIL_INVALID, attr="email")
    assert len(response.json()["errors"]) == 1, response.json()
