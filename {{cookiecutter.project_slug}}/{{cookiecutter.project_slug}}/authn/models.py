"""The authn app's tables: the email outbox, refresh-token families, and the audit log.

OutboxEmail: each account email is a row, written in the transaction that caused it
(authn/outbox.py delivers them). RefreshFamily: the refresh tokens rotated from one
login (authn/tokens.py). AuthEvent: what happened to logins and sessions (authn/audit.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    """One email to send to an account, kept until it is sent or given up, then for OUTBOX_RETENTION.

    The row holds what to send and to whom, never the email's content or secrets: its
    link tokens are made from the account when it is sent, to the address the account
    has then. A row without a user stands for a request about an address with no account:
    it is written all the same, so that such a request costs what any other does, and
    it is discarded unsent.
    """

    class Kind(models.TextChoices):
        ACTIVATION = "activation", _("activation link")
        ACCOUNT_EXISTS = "account_exists", _("account already exists")
        PASSWORD_RESET = "password_reset", _("password reset link")
        PASSWORD_CHANGED = "password_changed", _("password changed")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        DISCARDED = "discarded", _("discarded")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # When the periodic drain may queue this row again; while it is being sent, when that attempt expires.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox emails")
        ordering = ["-created_at"]
        indexes = [
            # The drain's query: rows still to send, by when they are due.
            models.Index(fields=["status", "next_attempt_at"], name="authn_outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class RefreshFamily(models.Model):
    """The refresh tokens of one login: each rotation replaces the family's token with a new one.

    Every refresh token carries its family's id (the `fam` claim). A family ends at
    `expires_at` (the login + REFRESH_FAMILY_MAX_AGE) however often it rotates, and at
    once when it is revoked: by logout, by "log out everywhere" (or a password change),
    or because a token it had already replaced was presented again (reuse, RFC 9700
    section 4.14.2), which means a copy of it is in somebody else's hands.
    """

    class RevokedBecause(models.TextChoices):
        LOGOUT = "logout", _("logout")
        REVOKE_ALL = "revoke_all", _("every session revoked")
        REUSE = "reuse", _("a replaced token was used again")

    id = models.CharField(_("id"), max_length=32, primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    # The `jti` of the family's newest refresh token: the only one that may still be used.
    current_jti = models.CharField(_("current jti"), max_length=255)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_because = models.CharField(_("revoked because"), max_length=16, choices=RevokedBecause.choices, blank=True)

    class Meta:
        verbose_name = _("refresh-token family")
        verbose_name_plural = _("refresh-token families")
        indexes = [
            # Revoking every family of a user, and purging the expired ones.
            models.Index(fields=["user", "revoked_at"], name="authn_family_user"),
            models.Index(fields=["expires_at"], name="authn_family_expires"),
        ]

    def __str__(self) -> str:
        return self.id


class AuthEvent(models.Model):
    """One security event of the audit log: a login, a failure, a lockout, a logout, a revocation.

    Rows never hold a secret (password, code, token) or an address: the account is named
    by its user (when there is one) and by the keyed hash of the identifier submitted
    (attempts.identifier_key), which links the events of one account, unknown or not.
    Kept for GATEHOUSE["AUDIT_LOG_RETENTION"].
    """

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", _("login succeeded")
        LOGIN_FAILED = "login_failed", _("login failed")
        LOCKED_OUT = "locked_out", _("locked out")
        LOGOUT = "logout", _("logout")
        LOGOUT_ALL = "logout_all", _("logout everywhere")
        REFRESH_REUSE_DETECTED = "refresh_reuse_detected", _("refresh token reuse detected")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET = "password_reset", _("password reset")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    identifier_hash = models.CharField(_("identifier hash"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=256, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    extra = models.JSONField(_("extra"), default=dict, blank=True)

    class Meta:
        verbose_name = _("authentication event")
        verbose_name_plural = _("authentication events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "created_at"], name="authn_event_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M:%S})"
