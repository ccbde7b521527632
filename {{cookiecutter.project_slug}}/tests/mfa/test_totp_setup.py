"""TOTP setup over HTTP: `totp/setup/` gives a secret, `totp/confirm/` turns it on with a code and gives ten
recovery codes, `totp/disable/` turns it off; changes need a recent login, and each is emailed and audited."""

import base64
from datetime import timedelta

import pyotp
import pytest
from django.core import mail

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.mfa.models import RecoveryCode, TOTPDevice

from ..factories import UserFactory
from .helpers import (
    MFA_URL,
    TOTP_CONFIRM_URL,
    TOTP_DISABLE_URL,
    TOTP_SETUP_URL,
    assert_error,
    give_totp,
)

pytestmark = pytest.mark.django_db


def set_up(client, clock) -> tuple[str, list[str]]:
    """Set TOTP up and confirm it: the secret and the recovery codes."""
    setup = client.post(TOTP_SETUP_URL)
    assert setup.status_code == 200, setup.content
    secret = setup.json()["secret"]
    confirm = client.post(TOTP_CONFIRM_URL, {"code": clock.code(secret)})
    assert confirm.status_code == 200, confirm.content
    return secret, confirm.json()["recovery_codes"]


def test_setup_gives_a_secret_its_otpauth_uri_and_a_qr_code_drawn_by_the_server(log_in):
    user = UserFactory()
    response = log_in(user).post(TOTP_SETUP_URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"secret", "otpauth_uri", "qr_svg"}, body
    assert len(base64.b32decode(body["secret"])) * 8 >= 160, "the secret must hold at least 160 bits"
    parsed = pyotp.parse_uri(body["otpauth_uri"])
    assert parsed.secret == body["secret"]
    assert (parsed.digits, parsed.interval) == (6, 30)
    assert body["qr_svg"].startswith("<svg"), body["qr_svg"][:40]
    assert response["Cache-Control"].startswith("max-age=0"), response["Cache-Control"]


def test_the_secret_is_stored_encrypted(log_in):
    user = UserFactory()
    secret = log_in(user).post(TOTP_SETUP_URL).json()["secret"]
    stored = TOTPDevice.objects.get(user=user).encrypted_secret
    assert secret not in stored, "the TOTP secret must not be stored in clear"


def test_confirming_with_a_code_turns_totp_on_and_gives_ten_recovery_codes(log_in, clock):
    user = UserFactory()
    client = log_in(user)
    _, codes = set_up(client, clock)
    assert len(set(codes)) == 10, codes
    assert client.get(MFA_URL).json() == {
        "totp": {"enabled": True},
        "recovery_codes": {"remaining": 10},
        "passkeys": [],
    }
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert not stored.intersection(codes), "recovery codes must be stored hashed"


def test_a_wrong_confirmation_code_is_refused_and_totp_stays_off(log_in, clock):
    user = UserFactory()
    client = log_in(user)
    secret = client.post(TOTP_SETUP_URL).json()["secret"]
    wrong = f"{(int(clock.code(secret)) + 1) % 1_000_000:06d}"
    assert_error(client.post(TOTP_CONFIRM_URL, {"code": wrong}), 400, "code_invalid")
    assert client.get(MFA_URL).json()["totp"] == {"enabled": False}


@pytest.mark.parametrize(
    "code",
    [
        123456,
        "12345",
        "1234567",
        "\uff11\uff12\uff13\uff14\uff15\uff16",
        "\u0661\u0662\u0663\u0664\u0665\u0666",
        " 123456",
        ["123456"],
    ],
)
def test_a_confirmation_code_that_is_not_six_ascii_digits_is_a_validation_error(log_in, code):
    client = log_in(UserFactory())
    client.post(TOTP_SETUP_URL)
    response = client.post(TOTP_CONFIRM_URL, {"code": code})
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error", response.json()


def test_confirming_without_a_setup_is_refused(log_in):
    assert_error(log_in(UserFactory()).post(TOTP_CONFIRM_URL, {"code": "123456"}), 400, "totp_setup_required")


def test_setting_up_again_while_totp_is_on_is_refused(log_in, clock):
    client = log_in(UserFactory())
    set_up(client, clock)
    assert_error(client.post(TOTP_SETUP_URL), 409, "totp_already_enabled")


def test_setup_needs_a_recent_login(log_in):
    client = log_in(UserFactory(), authenticated_ago=timedelta(hours=1))
    assert_error(client.post(TOTP_SETUP_URL), 401, "reauthentication_required")


def test_disabling_needs_a_recent_login(log_in):
    user = UserFactory()
    client = log_in(user, authenticated_ago=timedelta(hours=1))
    give_totp(user)
    assert_error(client.post(TOTP_DISABLE_URL), 401, "reauthentication_required")
    assert TOTPDevice.objects.filter(user=user).exists()


def test_disabling_turns_totp_off_and_takes_the_recovery_codes(log_in):
    user = UserFactory()
    client = log_in(user)
    give_totp(user)
    response = client.post(TOTP_DISABLE_URL)
    assert response.status_code == 204, response.content
    assert client.get(MFA_URL).json() == {
        "totp": {"enabled": False},
        "recovery_codes": {"remaining": 0},
        "passkeys": [],
    }


def test_disabling_when_totp_is_off_is_not_found(log_in):
    assert_error(log_in(UserFactory()).post(TOTP_DISABLE_URL), 404, "totp_not_enabled")


def test_the_second_factors_need_an_authenticated_request(api_client):
    assert api_client.get(MFA_URL).status_code == 401


def test_turning_totp_on_and_off_is_emailed_and_audited(log_in, clock, django_capture_on_commit_callbacks):
    user = UserFactory()
    client = log_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        set_up(client, clock)
        client.post(TOTP_DISABLE_URL)
    subjects = [message.subject for message in mail.outbox if message.to == [user.email]]
    assert any("second factor was added" in subject for subject in subjects), subjects
    assert any("second factor was removed" in subject for subject in subjects), subjects
    kinds = list(AuthEvent.objects.filter(user=user).values_list("kind", "extra"))
    assert (AuthEvent.Kind.SECOND_FACTOR_ADDED, {"factor": "totp"}) in kinds, kinds
    assert (AuthEvent.Kind.SECOND_FACTOR_REMOVED, {"factor": "totp"}) in kinds, kinds
