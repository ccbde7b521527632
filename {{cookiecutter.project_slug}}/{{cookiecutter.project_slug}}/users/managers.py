"""The manager of the email-login user model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import BaseUserManager

if TYPE_CHECKING:
    from .models import User


def normalize_email(email: str) -> str:
    """The one spelling under which an email address is stored and looked up.

    Addresses are compared case-insensitively, so `Alice@Example.com` and
    `alice@example.com` name one account: the whole address is lower-cased.
    """
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    """Creates users by email; the email is normalized so that lookups ignore case."""

    use_in_migrations = True

    def get_by_natural_key(self, email: str | None) -> User:
        # Django's signature takes None too, which names nobody.
        if email is None:
            raise self.model.DoesNotExist("A user is looked up by an email address.")
        return self.get(email=normalize_email(email))

    def get_by_email(self, email: str) -> User | None:
        """The user with this address (in any case), or None."""
        return self.filter(email=normalize_email(email)).first()

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra_fields)
        # No password gives an unusable one: such an account cannot log in with a password.
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields["is_staff"] is not True:
            raise ValueError("A superuser must have is_staff=True.")
        if extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_superuser=True.")
        return self._create_user(email, password, **extra_fields)
