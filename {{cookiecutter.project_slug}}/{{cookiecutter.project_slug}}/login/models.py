"""The login app's table: each account's count of wrong answers and the lock they earned (login/lockout.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountLockout(models.Model):
    """The wrong answers given for one submitted identifier within the current window, and its lock.

    Kept in the database, not the cache, so that no Redis restart or eviction lifts a
    lock. The row is named by the keyed hash of the identifier (authn/identity.py), never
    the address: an address without an account gets a row like any other, and the table
    tells nobody which addresses were tried or which have accounts.
    """

    account_key = models.CharField(_("account key"), max_length=64, primary_key=True)
    # Wrong answers since `window_started_at`; locks never reset it, a completed login or a reset deletes the row.
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_started_at = models.DateTimeField(_("window started at"))
    last_failure_at = models.DateTimeField(_("last failure at"))
    # Refused until then (None: not locked for a time).
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    # Past LOCKOUT_ACCOUNT_MAX_FAILURES: refused until a password reset (or staff, in the user admin) deletes the row.
    locked_until_reset = models.BooleanField(_("locked until a password reset"), default=False)

    class Meta:
        verbose_name = _("account lockout")
        verbose_name_plural = _("account lockouts")
        indexes = [
            # The daily purge of rows whose window is over.
            models.Index(fields=["last_failure_at"], name="login_lockout_last_failure"),
        ]

    def __str__(self) -> str:
        return self.account_key
