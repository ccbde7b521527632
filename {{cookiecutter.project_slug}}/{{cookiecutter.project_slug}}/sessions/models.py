"""The sessions app's table: a refresh-token family is one login, one session (sessions/service.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Browsers send a few hundred characters at most; anything longer is cut to what the column keeps.
USER_AGENT_MAX_LENGTH = 512


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
        ENDED = "ended", _("ended from the sessions list")

    id = models.CharField(_("id"), max_length=32, primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    # When the user last proved who they are in this session: the login, or a reauthentication
    # (POST reauthenticate/). Access tokens carry it as `auth_time`.
    authenticated_at = models.DateTimeField(_("authenticated at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    # The `jti` of the family's newest refresh token: the only one that may still be used.
    current_jti = models.CharField(_("current jti"), max_length=255)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_because = models.CharField(_("revoked because"), max_length=16, choices=RevokedBecause.choices, blank=True)
    # What the sessions list shows (GET sessions/): how the login was made, and from where it was last used.
    scenario = models.CharField(_("scenario"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=USER_AGENT_MAX_LENGTH, blank=True)
    # Written by each refresh, and by requests at most once per SESSION_LAST_USED_PRECISION.
    last_used_at = models.DateTimeField(_("last used at"), default=timezone.now)

    class Meta:
        verbose_name = _("refresh-token family")
        verbose_name_plural = _("refresh-token families")
        indexes = [
            # Revoking every family of a user, and purging the expired ones.
            models.Index(fields=["user", "revoked_at"], name="sessions_family_user"),
            models.Index(fields=["expires_at"], name="sessions_family_expires"),
        ]

    def __str__(self) -> str:
        return self.id
