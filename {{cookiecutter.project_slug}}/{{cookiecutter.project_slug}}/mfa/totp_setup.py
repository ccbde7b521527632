"""Turning TOTP on and off, and the recovery codes that come with it.

`start_setup()` keeps a fresh secret, encrypted, in a pending `TOTPDevice` (a setup asked
again replaces it); `confirm_setup()` turns it on once a code of it is right, and gives the
first set of recovery codes. Both notices (factor added, removed) go through factors.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ..authn.errors import ConfirmationCodeInvalid, SecondFactorRequired, TotpAlreadyEnabled, TotpSetupRequired
from . import recovery, totp
from .encryption import decrypt, encrypt
from .factors import TOTP, factor_added, has_second_factor
from .models import TOTPDevice

if TYPE_CHECKING:
    from ..users.models import User


def start_setup(user: User) -> dict[str, Any]:
    """A new pending secret for `user`: `{secret, otpauth_uri, qr_svg}`; TotpAlreadyEnabled when TOTP is on."""
    secret = totp.new_secret()
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.confirmed_at is not None:
            raise TotpAlreadyEnabled()
        TOTPDevice.objects.update_or_create(
            user=user,
            defaults={"encrypted_secret": encrypt(secret), "created_at": timezone.now(), "last_used_step": None},
        )
    uri = totp.provisioning_uri(user, secret)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": totp.qr_code_svg(uri)}


def confirm_setup(request: HttpRequest, user: User, code: str) -> list[str]:
    """Turn on the pending TOTP of `user` with a code of its secret; the new recovery codes.

    The code's step counts as used, so it cannot log in afterwards.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            raise TotpSetupRequired()
        if device.confirmed_at is not None:
            raise TotpAlreadyEnabled()
        step = totp.matching_step(decrypt(device.encrypted_secret), code)
        if step is None:
            raise ConfirmationCodeInvalid()
        device.confirmed_at = timezone.now()
        device.last_used_step = step
        device.save(update_fields=["confirmed_at", "last_used_step"])
        codes = recovery.replace_codes(user)
        factor_added(request, user, TOTP)
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    """A new set of recovery codes for a user with a second factor; the old set stops working."""
    if not has_second_factor(user):
        raise SecondFactorRequired()
    return recovery.replace_codes(user)
