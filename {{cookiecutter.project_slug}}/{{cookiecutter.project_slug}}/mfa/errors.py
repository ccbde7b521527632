"""The failures of the mfa app, each with a stable code (the API's error shape, authn/errors.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ..authn.errors import CODE_INVALID, AuthnError, FactorRejected

TOTP_ALREADY_ENABLED = "totp_already_enabled"
TOTP_SETUP_REQUIRED = "totp_setup_required"
TOTP_NOT_ENABLED = "totp_not_enabled"
SECOND_FACTOR_REQUIRED = "second_factor_required"
PASSKEY_NOT_FOUND = "passkey_not_found"
PASSKEY_INVALID = "passkey_invalid"
PASSKEY_CHALLENGE_EXPIRED = "passkey_challenge_expired"


class TotpAlreadyEnabled(AuthnError):
    """`totp/setup/` for a user whose TOTP is on: disable it first."""

    status_code = status.HTTP_409_CONFLICT
    default_code = TOTP_ALREADY_ENABLED
    default_detail = _("TOTP is already on; disable it before setting it up again.")


class TotpSetupRequired(AuthnError):
    """`totp/confirm/` without a pending setup."""

    default_code = TOTP_SETUP_REQUIRED
    default_detail = _("Set up TOTP first (totp/setup/).")


class ConfirmationCodeInvalid(AuthnError):
    """`totp/confirm/` with a code the new secret does not give: the setup stays pending."""

    default_code = CODE_INVALID
    default_detail = _("The code is incorrect.")
    attr = "code"


class TotpNotEnabled(AuthnError):
    """`totp/disable/` for a user whose TOTP is off."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = TOTP_NOT_ENABLED
    default_detail = _("TOTP is not on.")


class SecondFactorRequired(AuthnError):
    """`recovery-codes/` for a user without a second factor: recovery codes stand in for one."""

    default_code = SECOND_FACTOR_REQUIRED
    default_detail = _("Turn on a second factor first.")


class PasskeyNotFound(AuthnError):
    """`passkeys/<id>/` names no passkey of the authenticated user (another user's included)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = PASSKEY_NOT_FOUND
    default_detail = _("There is no such passkey.")


class PasskeyInvalid(FactorRejected):
    """A passkey answer that does not verify: another origin or challenge, an unknown credential, a bad
    signature, or a sign counter that did not grow. Counted like any wrong answer."""

    default_code = PASSKEY_INVALID
    default_detail = _("The passkey could not be verified.")
    attr = "credential"


class PasskeyRegistrationInvalid(AuthnError):
    """A registration answer that does not verify (another origin or challenge, a malformed attestation), or
    of a credential already registered."""

    default_code = PASSKEY_INVALID
    default_detail = _("The passkey could not be verified.")
    attr = "credential"


class PasskeyChallengeExpired(AuthnError):
    """`passkeys/register/` whose challenge (of `passkeys/register/options/`) expired or was used."""

    default_code = PASSKEY_CHALLENGE_EXPIRED
    default_detail = _("The passkey registration has expired; start again.")
    attr = "credential"
