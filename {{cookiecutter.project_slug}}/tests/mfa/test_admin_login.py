"""The admin's login page asks staff who have a second factor for it; a setting makes one mandatory for staff.

Over Django's test client, as a browser posts the page's form: a refused login answers the
page again with the form's error and starts no session; a completed one redirects to the admin.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from ..factories import DEFAULT_PASSWORD, UserFactory
from .helpers import give_totp

pytestmark = pytest.mark.django_db

SESSION_USER_KEY = "_auth_user_id"


@pytest.fixture(autouse=True)
def small_budgets(settings):
    settings.GATEHOUSE = {
        **settings.GATEHOUSE,
        "LOCKOUT_ACCOUNT_THRESHOLD": 3,
        "LOCKOUT_COOL_OFF": timedelta(minutes=15),
    }


def admin_login(email: str, password: str = DEFAULT_PASSWORD, code: str = ""):
    """Post the admin's login form from a fresh browser; the response and that browser's client."""
    browser = Client(REMOTE_ADDR="198.51.100.1")
    response = browser.post(
        f"/{settings.ADMIN_URL}login/",
        {"username": email, "password": password, "code": code, "next": f"/{settings.ADMIN_URL}"},
    )
    return response, browser


def assert_refused(response, browser) -> list[str]:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    assert SESSION_USER_KEY not in browser.session, "a refused admin login started a session"
    return list(response.context["form"].non_field_errors())


def assert_completed(response, browser, user) -> None:
    assert response.status_code == 302, response.content[:500]
    assert browser.session[SESSION_USER_KEY] == str(user.pk)


def test_the_login_page_has_a_code_field():
    response = Client().get(f"/{settings.ADMIN_URL}login/")
    assert b'name="code"' in response.content
    assert b'autocomplete="one-time-code"' in response.content


def test_staff_with_totp_log_in_with_the_password_and_a_code(clock):
    staff = UserFactory(is_staff=True)
    secret, _ = give_totp(staff)
    assert_completed(*admin_login(staff.email, code=clock.code(secret)), staff)


def test_staff_with_totp_are_refused_without_their_code():
    staff = UserFactory(is_staff=True)
    give_totp(staff)
    assert assert_refused(*admin_login(staff.email)) == ["The code is incorrect."]


def test_a_recovery_code_opens_the_admin_once():
    staff = UserFactory(is_staff=True)
    _, codes = give_totp(staff)
    assert_completed(*admin_login(staff.email, code=codes[0]), staff)
    assert_refused(*admin_login(staff.email, code=codes[0]))


def test_a_code_used_in_the_api_is_refused_at_the_admin(clock):
    staff = UserFactory(is_staff=True)
    secret, _ = give_totp(staff)
    code = clock.code(secret)
    assert_completed(*admin_login(staff.email, code=code), staff)
    assert_refused(*admin_login(staff.email, code=code))


def test_wrong_codes_lock_the_account_out(clock):
    staff = UserFactory(is_staff=True)
    secret, _ = give_totp(staff)
    wrong = f"{(int(clock.code(secret)) + 500_000) % 1_000_000:06d}"
    for _ in range(3):
        assert_refused(*admin_login(staff.email, code=wrong))
    # Locked: even the right code is refused, with the message of a wrong password.
    errors = assert_refused(*admin_login(staff.email, code=clock.code(secret)))
    assert len(errors) == 1, errors
    assert "password" in errors[0], "a lock is refused with the message of a wrong password"


def test_staff_without_a_second_factor_log_in_with_the_password_alone():
    staff = UserFactory(is_staff=True)
    assert_completed(*admin_login(staff.email), staff)


def test_a_setting_makes_a_second_factor_mandatory_for_staff(settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "MFA_REQUIRED_FOR_STAFF": True}
    staff = UserFactory(is_staff=True)
    errors = assert_refused(*admin_login(staff.email))
    assert errors == ["Turn on a second factor for this account before signing in to the admin."], errors
