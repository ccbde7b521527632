"""TOTP (RFC 6238 with pyotp): 30-second steps, 6 digits, one step of clock drift either way, no replay.

A secret is 160 random bits (RFC 4226 section 4), shown once, as text, as an `otpauth://`
URI and as an SVG QR code drawn here (segno), never by a third-party service. A code is
accepted for the steps t-1, t and t+1 only, and never for a step at or before the last one
accepted for that user, in any flow: the `last_used_step` column moves forward with a
conditional UPDATE, so two requests racing with one code have one winner.
"""

from __future__ import annotations

import hmac
import time
from typing import TYPE_CHECKING

import pyotp
import segno
from django.db.models import Q

from ..authn.conf import gatehouse_settings
from .encryption import decrypt
from .models import TOTPDevice

if TYPE_CHECKING:
    from ..users.models import User

DIGITS = 6
# Six ASCII digits (`[0-9]`, unlike `\d`, refuses Arabic-Indic and full-width digits).
CODE_PATTERN = "[0-9]" + "{" + str(DIGITS) + "}"
INTERVAL = 30
# Steps accepted either side of the current one: a code typed as its step ended, or a clock a little off.
DRIFT_STEPS = 1
# 32 base32 characters: 160 bits.
SECRET_LENGTH = 32


def new_secret() -> str:
    """A fresh base32 secret of 160 bits from the system's CSPRNG."""
    return pyotp.random_base32(SECRET_LENGTH)


def authenticator(secret: str) -> pyotp.TOTP:
    """The TOTP generator of `secret`, with this project's digits and step."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)


def issuer() -> str:
    """The name authenticator apps show for the account: MFA_TOTP_ISSUER, else SITE_NAME."""
    return gatehouse_settings.MFA_TOTP_ISSUER or gatehouse_settings.SITE_NAME


def provisioning_uri(user: User, secret: str) -> str:
    """The `otpauth://totp/...` URI an authenticator app reads (Key Uri Format)."""
    return authenticator(secret).provisioning_uri(name=user.get_username(), issuer_name=issuer() or None)


def qr_code_svg(uri: str) -> str:
    """The SVG of a QR code holding `uri`, drawn on the server."""
    return str(segno.make(uri, error="m").svg_inline(scale=4))


def current_step(now: float | None = None) -> int:
    """The RFC 6238 time step of `now` (the system's clock by default)."""
    return int(time.time() if now is None else now) // INTERVAL


def matching_step(secret: str, code: str) -> int | None:
    """The step within the drift window whose code is `code`, or None; every candidate is compared in full."""
    totp = authenticator(secret)
    now = current_step()
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def accept_code(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is right for `device` and of a step after the last one used; records the step if so."""
    step = matching_step(decrypt(device.encrypted_secret), code)
    if step is None:
        return False
    # Atomic: only one request moves the column past this step, so a code is accepted once.
    later = Q(last_used_step__isnull=True) | Q(last_used_step__lt=step)
    return TOTPDevice.objects.filter(later, pk=device.pk).update(last_used_step=step) == 1
