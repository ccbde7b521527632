"""The manager of the email-login user model, and the canonical form of an email address."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

import idna
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..authn.errors import EMAIL_INVALID

if TYPE_CHECKING:
    from .models import User

# The longest address SMTP carries (RFC 5321) and the length of the email column.
EMAIL_MAX_LENGTH = 254
EMAIL_INVALID_MESSAGE = _(
    "Enter a valid email address, without invisible characters, whose domain is a valid host name."
)
# Unicode general categories that no address may hold, by their first letter: C (control,
# format, surrogate, private use, unassigned) and Z (spaces, line and paragraph separators).
# Format characters are the dangerous ones: the IDNA mapping deletes a soft hyphen or a
# zero-width space from a domain, so `bob@exa\u00admple.com` would be a second spelling of a
# mailbox that looks like another account.
REFUSED_CATEGORIES = frozenset("CZ")


class EmailAddressInvalid(ValueError):
    """An address that has no canonical form (see `normalize_email()`)."""


def normalize_email(email: str) -> str:
    """The canonical form of an address: the one spelling under which it is stored and looked up.

    Surrounding whitespace is trimmed; the address is brought to Unicode NFKC (a full-width
    letter becomes its ASCII one, the Kelvin sign U+212A becomes `K`); the domain becomes
    its IDNA 2008 A-label with the UTS 46 mapping (`München.de` becomes
    `xn--mnchen-3ya.de`); and the whole address is lower-cased. So every spelling of one mailbox names one account.

    Raises EmailAddressInvalid for an address longer than EMAIL_MAX_LENGTH, holding an
    invisible, format, control or space character, without a local part or a domain,
    whose domain IDNA refuses (an underscore, a domain literal, a bad `xn--` label, a
    trailing dot), or whose canonical form would change if canonicalised again.
    """
    canonical = canonical_form(email)
    if canonical_form(canonical) != canonical:
        raise EmailAddressInvalid("The address has no stable canonical form.")
    return canonical


def canonical_form(email: str) -> str:
    """One pass of the canonicalisation that `normalize_email()` describes."""
    address = email.strip()
    # Bounded before any Unicode work, so that a huge input costs nothing.
    if len(address) > EMAIL_MAX_LENGTH:
        raise EmailAddressInvalid("The address is too long.")
    # NFKC keeps every character of the refused categories, so one check after it is enough.
    address = unicodedata.normalize("NFKC", address)
    if any(unicodedata.category(character)[0] in REFUSED_CATEGORIES for character in address):
        raise EmailAddressInvalid("The address holds an invisible, control or space character.")
    local_part, at, domain = address.rpartition("@")
    if not (at and local_part and domain):
        raise EmailAddressInvalid("The address needs a local part and a domain.")
    try:
        domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise EmailAddressInvalid("The domain is not a valid host name.") from error
    # IDNA takes `example.com.` (the DNS root) as a host name; no mailbox has such a domain.
    if domain.endswith("."):
        raise EmailAddressInvalid("The domain is not a valid host name.")
    canonical = f"{local_part.lower()}@{domain.lower()}"
    if len(canonical) > EMAIL_MAX_LENGTH:
        raise EmailAddressInvalid("The address is too long.")
    return canonical


def validate_normalizable_email(value: str) -> None:
    """The email field's validator: refuse an address that has no canonical form (admin forms, createsuperuser)."""
    try:
        normalize_email(value)
    except EmailAddressInvalid as error:
        raise ValidationError(EMAIL_INVALID_MESSAGE, code=EMAIL_INVALID) from error


class UserManager(BaseUserManager["User"]):
    """Creates and finds users by email, always in the email's canonical form (`normalize_email()`)."""

    use_in_migrations = True

    def get_by_natural_key(self, email: str | None) -> User:
        """The user with this address in any spelling; DoesNotExist for None or an address without a canonical form."""
        # Django's signature takes None too, which names nobody.
        if email is None:
            raise self.model.DoesNotExist("A user is looked up by an email address.")
        try:
            canonical = normalize_email(email)
        except EmailAddressInvalid as error:
            raise self.model.DoesNotExist from error
        return self.get(email=canonical)

    def get_by_email(self, email: str) -> User | None:
        """The user with this address in any spelling, or None (also for an address without a canonical form)."""
        try:
            canonical = normalize_email(email)
        except EmailAddressInvalid:
            return None
        return self.filter(email=canonical).first()

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
