"""The accounts app's table: an email change waiting for its confirmation link (accounts/email_change.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..users.managers import EMAIL_MAX_LENGTH


class PendingEmailChange(models.Model):
    """The address a user asked to move to, until the link emailed there is used; one per user.

    A newer request replaces the row, which kills the older link (its token is made of the
    row's address and time). The session that asked keeps living when the change is done.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="pending_email_change",
    )
    new_email = models.EmailField(_("new email"), max_length=EMAIL_MAX_LENGTH)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # The session (refresh-token family) of the request: the one the change leaves alive.
    session_id = models.CharField(_("session id"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("pending email change")
        verbose_name_plural = _("pending email changes")

    def __str__(self) -> str:
        return str(self.user_id)
