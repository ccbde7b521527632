"""The tokens of activation and password reset links, and the `uid` that names the account.

Each purpose has its own generator, a subclass of Django's PasswordResetTokenGenerator
with a `key_salt` of its own, so that a token made for one purpose never passes the
check of another. A token is an HMAC (keyed by SECRET_KEY, SECRET_KEY_FALLBACKS
honoured) of the account's state: its id, password hash, last login, email and whether
it is active, plus the time it was made. Nothing is stored: the token dies when any of
that state changes (activating, setting a password, logging in, changing the email),
which makes it single-use, and when its lifetime (a GATEHOUSE setting) is over.

A link's `uid` is the account's UUID in URL-safe base64, as Django's own reset links
carry the primary key. `decode_uid` and `check_token` accept any text at all: whatever
is malformed is simply not a valid link, never an exception.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import tokens as django_tokens
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from ..authn.conf import gatehouse_settings

if TYPE_CHECKING:
    from ..users.models import User

# Real values are 48 characters (uid) and about 40 (token); longer text is refused unread.
MAX_UID_LENGTH = 64
MAX_TOKEN_LENGTH = 64


class AccountTokenGenerator(django_tokens.PasswordResetTokenGenerator):
    """A link token for one purpose, with that purpose's lifetime; subclasses set both."""

    # The GATEHOUSE setting that holds the token's lifetime.
    ttl_setting: str

    @property
    def ttl(self) -> timedelta:
        """How long a token works after it was made."""
        return getattr(gatehouse_settings, self.ttl_setting)

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        # Django's value (id, password hash, last login, time, email) and `is_active`: activating
        # or deactivating the account kills its tokens too.
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def check_token(self, user: User | None, token: object) -> bool:
        """Whether `token` was made by this generator for `user` as it is now, within the lifetime.

        Unlike Django's check, the lifetime is this purpose's (not PASSWORD_RESET_TIMEOUT),
        and any value that is not a short ASCII string is simply refused.
        """
        if user is None or not isinstance(token, str) or not token.isascii() or len(token) > MAX_TOKEN_LENGTH:
            return False
        timestamp_b36, _, _ = token.partition("-")
        try:
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= self.ttl.total_seconds()


class ActivationTokenGenerator(AccountTokenGenerator):
    """Tokens of activation links: they die once the account is active."""

    key_salt = "authn.account_tokens.ActivationTokenGenerator"
    ttl_setting = "ACTIVATION_TOKEN_TTL"


class PasswordResetTokenGenerator(AccountTokenGenerator):
    """Tokens of password reset links: they die once the password changes or the user logs in."""

    key_salt = "authn.account_tokens.PasswordResetTokenGenerator"
    ttl_setting = "PASSWORD_RESET_TOKEN_TTL"


activation_token_generator = ActivationTokenGenerator()
password_reset_token_generator = PasswordResetTokenGenerator()


def encode_uid(user: User) -> str:
    """The `uid` of a link to `user`'s account."""
    return urlsafe_base64_encode(force_bytes(user.pk))


def decode_uid(uid: object) -> uuid.UUID | None:
    """The account id that `uid` encodes, or None for anything that is not a valid uid."""
    if not isinstance(uid, str) or not uid.isascii() or len(uid) > MAX_UID_LENGTH:
        return None
    try:
        return uuid.UUID(urlsafe_base64_decode(uid).decode("ascii"))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


class EmailChangeTokenGenerator(AccountTokenGenerator):
    """Tokens of email change links: made of the pending change too, so a newer request or the change kills them."""

    key_salt = "accounts.link_tokens.EmailChangeTokenGenerator"
    ttl_setting = "EMAIL_CHANGE_TOKEN_TTL"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        pending = getattr(user, "pending_email_change", None)
        change = f"{pending.new_email}{pending.requested_at.timestamp()}" if pending is not None else ""
        return f"{super()._make_hash_value(user, timestamp)}{change}"


email_change_token_generator = EmailChangeTokenGenerator()
