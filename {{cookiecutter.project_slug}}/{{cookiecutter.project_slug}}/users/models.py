"""The user model: email is the login; there is no username."""

from __future__ import annotations

import contextlib
import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .managers import EmailAddressInvalid, UserManager, normalize_email, validate_normalizable_email


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address.

    The primary key is a random UUID: ids travel in tokens and to other services, so
    they must never be reused or guessable.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Stored in its canonical form (managers.normalize_email), so the unique index holds one
    # account per mailbox whatever spelling a request used.
    email = models.EmailField(
        _("email address"),
        unique=True,
        validators=[validate_normalizable_email],
        error_messages={"unique": _("A user with that email address already exists.")},
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive users cannot sign in. Deactivate accounts instead of deleting them."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user can sign in to the admin site."),
    )
    # Tells an account that registered and has not used its activation link yet (inactive,
    # waiting) from one that staff deactivated (inactive, not waiting): only the first can be
    # activated by a link, so a deactivated user cannot switch their account back on.
    activation_pending = models.BooleanField(
        _("activation pending"),
        default=False,
        help_text=_("Registered and waiting for its activation link; only such an account can be activated by one."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            # Stored emails are lower-cased, so the plain unique index is case-insensitive;
            # this keeps it so for rows written around the manager (raw SQL, bulk_create).
            models.CheckConstraint(condition=models.Q(email=Lower("email")), name="users_user_email_lowercase"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        # An address without a canonical form is kept as typed: the field's validator refuses it.
        with contextlib.suppress(EmailAddressInvalid):
            self.email = normalize_email(self.email)

    @property
    def awaits_activation(self) -> bool:
        """Registered and not activated yet: only such an account gets an activation link, or may use one."""
        return self.activation_pending and not self.is_active

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name
