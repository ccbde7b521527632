"""`POST mfa/recovery-codes/`: a new set of ten codes, which needs a recent login; the old set stops working."""

from datetime import timedelta

import pytest

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import LoginClient, assert_complete, assert_needs_step
from .helpers import MFA_URL, RECOVERY_CODES_URL, assert_error, give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(log_in, api_client, django_capture_on_commit_callbacks) -> LoginClient:
    # `log_in` enables the password scenario.
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def log_in_with_code(login, user, code: str):
    flow = assert_needs_step(login.step("password", {"email": user.email, "password": DEFAULT_PASSWORD}), "mfa")[
        "flow"
    ]
    return login.step("password", {"flow": flow, "code": code})


def test_a_new_set_replaces_the_old_one(log_in, login):
    user = UserFactory()
    client = log_in(user)
    _, old_codes = give_totp(user)
    response = client.post(RECOVERY_CODES_URL)
    assert response.status_code == 200, response.content
    new_codes = response.json()["recovery_codes"]
    assert len(new_codes) == 10, new_codes
    assert not set(new_codes) & set(old_codes), "a new set must share no code with the old one"
    assert client.get(MFA_URL).json()["recovery_codes"] == {"remaining": 10}
    assert_error(log_in_with_code(login, user, old_codes[0]), 401, "code_invalid")
    assert_complete(log_in_with_code(login, user, new_codes[0]), user)
    assert client.get(MFA_URL).json()["recovery_codes"] == {"remaining": 9}


def test_a_new_set_needs_a_recent_login(log_in):
    user = UserFactory()
    client = log_in(user, authenticated_ago=timedelta(hours=1))
    give_totp(user)
    assert_error(client.post(RECOVERY_CODES_URL), 401, "reauthentication_required")


def test_a_user_without_a_second_factor_gets_no_recovery_codes(log_in):
    assert_error(log_in(UserFactory()).post(RECOVERY_CODES_URL), 400, "second_factor_required")
