"""The mail app's table: the outbox row of every email (mail/outbox.py delivers them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    """One email to send to an account, kept until it is sent or given up, then for OUTBOX_RETENTION.

    The row holds what to send and to whom, never the email's content or secrets: its
    link tokens and codes are made when it is sent, to the address the account has then. A row without a user stands for a request about an address with no account:
    it is written all the same, so that such a request costs what any other does, and
    it is discarded unsent.
    """

    class Kind(models.TextChoices):
        LOGIN_CODE = "login_code", _("login code")
        ACTIVATION = "activation", _("activation link")
        ACCOUNT_EXISTS = "account_exists", _("account already exists")
        PASSWORD_RESET = "password_reset", _("password reset link")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        ACCOUNT_DELETED = "account_deleted", _("account deleted")
        EMAIL_CHANGE_CONFIRMATION = "email_change_confirmation", _("email change link")
        EMAIL_CHANGE_REQUESTED = "email_change_requested", _("email change requested")
        SECOND_FACTOR_ADDED = "second_factor_added", _("second factor added")
        SECOND_FACTOR_REMOVED = "second_factor_removed", _("second factor removed")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")

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
    # What the email needs besides its account, never a secret: a login code's flow id, say.
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # The language of the request that caused the email (a code of LANGUAGES), which it is written in; empty
    # for LANGUAGE_CODE.
    language = models.CharField(_("language"), max_length=16, blank=True, default="")
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
            models.Index(fields=["status", "next_attempt_at"], name="mail_outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"
