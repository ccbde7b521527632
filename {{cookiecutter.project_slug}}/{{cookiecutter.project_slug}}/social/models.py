"""The social app's table: an identity at an OpenID Connect provider, linked to one account."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# OpenID Connect caps `sub` at 255 ASCII characters (Core 1.0 section 2).
SUBJECT_MAX_LENGTH = 255
# The key of a provider in GATEHOUSE["OIDC_PROVIDERS"]; the scenario is `oidc-<key>`.
PROVIDER_MAX_LENGTH = 64


class SocialIdentity(models.Model):
    """The account a provider's subject signs in to.

    A provider's `sub` is the only stable name it gives a person (an email can change
    hands), so an identity is found by (provider, subject), unique. `email` is what the
    provider said the last time, shown to the user and to staff; it never finds an account
    again once the identity is linked.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="social_identities",
    )
    provider = models.CharField(_("provider"), max_length=PROVIDER_MAX_LENGTH)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    email = models.EmailField(_("email address"), blank=True)
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last login at"), null=True, blank=True)

    class Meta:
        verbose_name = _("linked identity")
        verbose_name_plural = _("linked identities")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="social_identity_provider_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"
