"""The devices app's table: the devices each account has completed a login on.

A device is a browser or an app install, named by a random token it keeps (in the HttpOnly
device cookie, or as an app client's Device-Token header). Only the token's SHA-256 is
stored, so a copy of the table recognises no device.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class KnownDevice(models.Model):
    """A device on which `user` completed a login: its next password logins skip the `device` step."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="known_devices"
    )
    # SHA-256 of the device token, hex.
    token_digest = models.CharField(_("token digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last login at"), default=timezone.now)
    # The session of its last login (a refresh-token family's id): ending it may forget the device.
    session_id = models.CharField(_("session"), max_length=32, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("known device")
        verbose_name_plural = _("known devices")
        constraints = [models.UniqueConstraint(fields=["user", "token_digest"], name="devices_one_row_per_device")]
        indexes = [models.Index(fields=["user", "session_id"], name="devices_by_session")]

    def __str__(self) -> str:
        return self.user_agent or str(_("device"))
