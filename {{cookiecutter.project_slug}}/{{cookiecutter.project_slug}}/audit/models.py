"""The audit app's table: what happened to logins and sessions (audit/receivers.py writes it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Browsers send a few hundred characters at most; anything longer is cut to what the column keeps.
USER_AGENT_MAX_LENGTH = 256


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
        SESSION_ENDED = "session_ended", _("session ended")
        REAUTHENTICATED = "reauthenticated", _("reauthenticated")
        ACCOUNT_DELETED = "account_deleted", _("account deleted")
        EMAIL_CHANGED = "email_changed", _("email changed")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET = "password_reset", _("password reset")
        IDENTITY_LINKED = "identity_linked", _("identity linked")
        IDENTITY_UNLINKED = "identity_unlinked", _("identity unlinked")
        SECOND_FACTOR_ADDED = "second_factor_added", _("second factor added")
        SECOND_FACTOR_REMOVED = "second_factor_removed", _("second factor removed")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")

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
    user_agent = models.CharField(_("user agent"), max_length=USER_AGENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    extra = models.JSONField(_("extra"), default=dict, blank=True)

    class Meta:
        verbose_name = _("authentication event")
        verbose_name_plural = _("authentication events")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "created_at"], name="audit_event_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M:%S})"
