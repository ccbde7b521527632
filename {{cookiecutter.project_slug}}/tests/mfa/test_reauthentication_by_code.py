"""`POST reauthenticate/` takes a second factor's code instead of the password: a TOTP code or a recovery code.

A wrong code counts in the account's lockout budget like a wrong password; a TOTP code
used to reauthenticate cannot log in again in its step, nor the other way round.
"""

from datetime import timedelta

import pytest

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent

from ..factories import DEFAULT_PASSWORD, UserFactory
from .helpers import REAUTHENTICATE_URL, TOTP_DISABLE_URL, assert_error, give_totp

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(hours=1)


def test_a_totp_code_renews_the_login_and_the_sensitive_action_goes_through(log_in, clock):
    user = UserFactory()
    client = log_in(user, authenticated_ago=LONG_AGO)
    secret, _ = give_totp(user)
    assert_error(client.post(TOTP_DISABLE_URL), 401, "reauthentication_required")
    response = client.post(REAUTHENTICATE_URL, {"code": clock.code(secret)})
    assert response.status_code == 200, response.content
    client.keep_tokens(response)
    assert client.post(TOTP_DISABLE_URL).status_code == 204
    assert AuthEvent.objects.filter(user=user, kind=AuthEvent.Kind.REAUTHENTICATED).exists()


def test_a_recovery_code_renews_the_login_once(log_in):
    user = UserFactory()
    client = log_in(user, authenticated_ago=LONG_AGO)
    _, codes = give_totp(user)
    assert client.post(REAUTHENTICATE_URL, {"code": codes[0]}).status_code == 200
    assert_error(client.post(REAUTHENTICATE_URL, {"code": codes[0]}), 401, "code_invalid")


def test_a_totp_code_is_not_accepted_twice(log_in, clock):
    user = UserFactory()
    client = log_in(user, authenticated_ago=LONG_AGO)
    secret, _ = give_totp(user)
    code = clock.code(secret)
    assert client.post(REAUTHENTICATE_URL, {"code": code}).status_code == 200
    assert_error(client.post(REAUTHENTICATE_URL, {"code": code}), 401, "code_invalid")


def test_wrong_codes_lead_to_locked_out(log_in, clock, settings):
    user = UserFactory()
    client = log_in(user, authenticated_ago=LONG_AGO)
    settings.GATEHOUSE = {**settings.GATEHOUSE, "LOCKOUT_ACCOUNT_THRESHOLD": 3}
    secret, _ = give_totp(user)
    wrong = f"{(int(clock.code(secret)) + 500_000) % 1_000_000:06d}"
    for _ in range(3):
        assert_error(client.post(REAUTHENTICATE_URL, {"code": wrong}), 401, "code_invalid")
    assert_error(client.post(REAUTHENTICATE_URL, {"code": clock.code(secret)}), 429, "locked_out")


def test_a_code_of_a_user_without_a_second_factor_is_refused(log_in):
    client = log_in(UserFactory(), authenticated_ago=LONG_AGO)
    assert_error(client.post(REAUTHENTICATE_URL, {"code": "123456"}), 401, "code_invalid")


@pytest.mark.parametrize("body", [{}, {"password": DEFAULT_PASSWORD, "code": "123456"}])
def test_the_body_holds_exactly_one_answer(log_in, body):
    client = log_in(UserFactory())
    assert_error(client.post(REAUTHENTICATE_URL, body), 400, "one_answer_required")


def test_the_password_still_works(log_in):
    client = log_in(UserFactory(), authenticated_ago=LONG_AGO)
    assert client.post(REAUTHENTICATE_URL, {"password": DEFAULT_PASSWORD}).status_code == 200
