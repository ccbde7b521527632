"""Helpers of the second-factor tests: a clock for TOTP codes, and users who have a factor.

TOTP codes are made with pyotp from the secret the API returned (or the one a helper
stored), for the time step the server sees: `TotpClock` moves the clock of
{{ cookiecutter.project_slug }}.mfa.totp and makes codes for the same moment, so a test can log in twice
without waiting for the next 30-second step.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from {{ cookiecutter.project_slug }}.mfa import recovery, totp
from {{ cookiecutter.project_slug }}.mfa.encryption import encrypt
from {{ cookiecutter.project_slug }}.mfa.models import TOTPDevice

MFA_URL = "/api/auth/mfa/"
TOTP_SETUP_URL = "/api/auth/mfa/totp/setup/"
TOTP_CONFIRM_URL = "/api/auth/mfa/totp/confirm/"
TOTP_DISABLE_URL = "/api/auth/mfa/totp/disable/"
RECOVERY_CODES_URL = "/api/auth/mfa/recovery-codes/"
REAUTHENTICATE_URL = "/api/auth/reauthenticate/"


class TotpClock:
    """The server's TOTP clock, moved in whole steps, and the codes of an authenticator app that shares it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = 0.0
        real_time = time.time
        self.real_time = real_time
        monkeypatch.setattr(totp, "time", SimpleNamespace(time=lambda: real_time() + self.offset))

    def now(self) -> float:
        return self.real_time() + self.offset

    def next_step(self, steps: int = 1) -> None:
        """Move the server's clock `steps` time steps (30 s each) ahead."""
        self.offset += totp.INTERVAL * steps

    def code(self, secret: str, *, steps: int = 0) -> str:
        """The code an authenticator app shows for `secret` now (or `steps` steps from now)."""
        return pyotp.TOTP(secret).at(self.now() + totp.INTERVAL * steps)


def give_totp(user: Any, *, used_step: int | None = None) -> tuple[str, list[str]]:
    """Turn TOTP on for `user` as a completed setup would; the secret and a fresh set of recovery codes."""
    secret = totp.new_secret()
    TOTPDevice.objects.create(
        user=user, encrypted_secret=encrypt(secret), confirmed_at=timezone.now(), last_used_step=used_step
    )
    return secret, recovery.replace_codes(user)


def error_codes(response: Any) -> list[str]:
    """The `code` of every entry of an error answer."""
    return [entry["code"] for entry in response.json()["errors"]]


def assert_error(response: Any, status: int, code: str) -> None:
    """`response` is an error of `status` whose entries include `code`."""
    assert response.status_code == status, (response.status_code, response.content)
    assert code in error_codes(response), response.json()
