"""The mfa app's tables: a user's TOTP authenticator, their recovery codes and their passkeys.

None of them holds a secret in a readable form: the TOTP secret is encrypted with a key
from the environment (mfa/encryption.py), recovery codes are keyed hashes, and a passkey
is a public key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TOTPDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238): pending from `totp/setup/`, on once `totp/confirm/` saw a code.

    `last_used_step` is the time step of the last code accepted, in any flow: a code of that
    step or an earlier one is refused (RFC 6238 section 5.2), and the column is moved forward
    by a conditional UPDATE, so that two requests with the same code cannot both succeed.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp_device"
    )
    encrypted_secret = models.TextField(_("encrypted secret"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("last used time step"), null=True, blank=True)

    class Meta:
        verbose_name = _("TOTP authenticator")
        verbose_name_plural = _("TOTP authenticators")

    def __str__(self) -> str:
        return str(_("TOTP authenticator (on)") if self.confirmed_at else _("TOTP authenticator (pending)"))


class RecoveryCode(models.Model):
    """One single-use recovery code of a user, as a keyed hash; `used_at` is set when it is used."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="mfa_recovery_code_unique")]

    def __str__(self) -> str:
        return str(_("recovery code (used)") if self.used_at else _("recovery code"))


class Passkey(models.Model):
    """A WebAuthn credential of a user: its id, its public key (COSE) and the last sign counter seen."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(_("name"), max_length=64)
    credential_id = models.BinaryField(_("credential id"), max_length=1023, unique=True)
    public_key = models.BinaryField(_("public key"))
    sign_count = models.BigIntegerField(_("sign count"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name
