"""The admin's login page counts in the lockout: the API's budgets, its refusals and its success.

Over Django's test client, as a browser posts the page's form. A refused login answers
the page again with the form's error and starts no session; a completed one redirects
to the admin and holds a session.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.authn.errors import INVALID_CREDENTIALS, LOCKED_OUT
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..factories import DEFAULT_PASSWORD, UserFactory
from .helpers import LoginClient, assert_complete, assert_error, enable_scenarios

pytestmark = pytest.mark.django_db

ACCOUNT_THRESHOLD = 3
IP_THRESHOLD = 5
WRONG = "not the password at all"
SESSION_USER_KEY = "_auth_user_id"


@pytest.fixture(autouse=True)
def small_budgets(settings):
    enable_scenarios(
        settings,
        PasswordScenario,
        LOCKOUT_ACCOUNT_THRESHOLD=ACCOUNT_THRESHOLD,
        LOCKOUT_IP_THRESHOLD=IP_THRESHOLD,
        LOCKOUT_COOL_OFF=timedelta(minutes=15),
    )


@pytest.fixture
def api(api_client, django_capture_on_commit_callbacks) -> LoginClient:
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def admin_login(email: str, password: str, ip: str = "198.51.100.1"):
    """Post the admin's login form from a fresh browser; the response and that browser's client."""
    browser = Client(REMOTE_ADDR=ip)
    response = browser.post(
        f"/{settings.ADMIN_URL}login/", {"username": email, "password": password, "next": f"/{settings.ADMIN_URL}"}
    )
    return response, browser


def assert_admin_login_refused(response, browser) -> list[str]:
    """The page answered again with an error and no session; returns the form's errors."""
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    assert SESSION_USER_KEY not in browser.session, "a refused admin login started a session"
    return list(response.context["form"].non_field_errors())


def assert_admin_login_completed(response, browser, user) -> None:
    assert response.status_code == 302, response.content[:500]
    assert browser.session[SESSION_USER_KEY] == str(user.pk)


def password_login(api: LoginClient, email: str, password: str, ip: str = "198.51.100.1"):
    return api.step("password", {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_a_staff_member_logs_in_to_the_admin_with_the_right_password():
    staff = UserFactory(is_staff=True)
    assert_admin_login_completed(*admin_login(staff.email, DEFAULT_PASSWORD), staff)


def test_wrong_admin_passwords_lock_the_account_at_the_api_too(api):
    staff = UserFactory(is_staff=True)
    for number in range(ACCOUNT_THRESHOLD):
        assert_admin_login_refused(*admin_login(staff.email, WRONG, ip=f"203.0.113.{number + 1}"))
    assert_error(password_login(api, staff.email, DEFAULT_PASSWORD, ip="192.0.2.1"), 429, LOCKED_OUT)


def test_a_lock_refuses_the_right_admin_password_with_the_message_of_a_wrong_one(api):
    staff = UserFactory(is_staff=True)
    for number in range(ACCOUNT_THRESHOLD):
        assert_error(password_login(api, staff.email, WRONG, ip=f"203.0.113.{number + 1}"), 401, INVALID_CREDENTIALS)
    locked = assert_admin_login_refused(*admin_login(staff.email, DEFAULT_PASSWORD, ip="192.0.2.1"))
    wrong = assert_admin_login_refused(*admin_login("nobody@example.com", WRONG, ip="192.0.2.2"))
    assert locked == wrong, "a locked account's answer tells it apart from a wrong password"


def test_wrong_admin_passwords_across_accounts_lock_the_client_address(api):
    for number in range(IP_THRESHOLD):
        admin_login(f"victim{number}@example.com", WRONG, ip="198.51.100.7")
    staff = UserFactory(is_staff=True)
    assert_admin_login_refused(*admin_login(staff.email, DEFAULT_PASSWORD, ip="198.51.100.7"))
    assert_error(password_login(api, staff.email, DEFAULT_PASSWORD, ip="198.51.100.7"), 429, LOCKED_OUT)
    assert_admin_login_completed(*admin_login(staff.email, DEFAULT_PASSWORD, ip="198.51.100.8"), staff)


def test_an_admin_login_resets_the_account_count_and_is_audited_like_an_api_login(api):
    staff = UserFactory(is_staff=True)
    for _ in range(ACCOUNT_THRESHOLD - 1):
        admin_login(staff.email, WRONG, ip="203.0.113.1")
    assert_admin_login_completed(*admin_login(staff.email, DEFAULT_PASSWORD, ip="203.0.113.2"), staff)
    for _ in range(ACCOUNT_THRESHOLD - 1):
        password_login(api, staff.email, WRONG, ip="203.0.113.3")
    assert_complete(password_login(api, staff.email, DEFAULT_PASSWORD, ip="203.0.113.4"), staff)
    succeeded = AuthEvent.objects.filter(kind=AuthEvent.Kind.LOGIN_SUCCEEDED, user=staff)
    assert sorted(event.extra["scenario"] for event in succeeded) == ["admin", "password"]
    failed = AuthEvent.objects.filter(kind=AuthEvent.Kind.LOGIN_FAILED, extra__scenario="admin")
    assert failed.count() == ACCOUNT_THRESHOLD - 1


def test_a_right_password_of_an_account_that_is_not_staff_is_refused_and_counts_no_failure(api):
    user = UserFactory(is_staff=False)
    for _ in range(ACCOUNT_THRESHOLD):
        assert_admin_login_refused(*admin_login(user.email, DEFAULT_PASSWORD))
    assert_complete(password_login(api, user.email, DEFAULT_PASSWORD), user)


def test_staff_lift_the_lockout_of_a_user_from_the_user_admin(api, admin_client):
    user = UserFactory()
    for number in range(ACCOUNT_THRESHOLD):
        password_login(api, user.email, WRONG, ip=f"203.0.113.{number + 1}")
    assert_error(password_login(api, user.email, DEFAULT_PASSWORD, ip="192.0.2.1"), 429, LOCKED_OUT)
    response = admin_client.post(
        f"/{settings.ADMIN_URL}users/user/", {"action": "lift_login_lockout", "_selected_action": [str(user.pk)]}
    )
    assert response.status_code == 302, response.content[:500]
    assert_complete(password_login(api, user.email, DEFAULT_PASSWORD, ip="192.0.2.1"), user)
