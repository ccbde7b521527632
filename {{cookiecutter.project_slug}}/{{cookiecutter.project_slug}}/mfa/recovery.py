"""Recovery codes: ten single-use codes for when the authenticator is lost, stored as keyed hashes.

A code is ten characters from an alphabet without look-alikes (about 49 bits), shown once as
`xxxxx-xxxxx`; what is stored is an HMAC-SHA256 of it keyed with SECRET_KEY (and checked
against SECRET_KEY_FALLBACKS too, so that a key rotation keeps them working), with the
user's id in the salt: a copy of the database cannot be searched for codes. A code is
spent by a conditional UPDATE (`used_at IS NULL`), so two requests cannot both use it. A
new set replaces the old one whole.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ..authn.conf import gatehouse_settings
from .models import RecoveryCode

if TYPE_CHECKING:
    from ..users.models import User

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 10
GROUP = 5
KEY_SALT = "mfa.recovery-code"
# What the `code` field takes as a recovery code: the ten characters, with or without the hyphen, any case.
PATTERN = r"[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}"


def new_code() -> str:
    """A fresh recovery code, as shown to the user: `xxxxx-xxxxx`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:GROUP]}-{raw[GROUP:]}"


def normalize(code: str) -> str:
    """The code as it is hashed: lower case, without the hyphen."""
    return code.replace("-", "").lower()


def code_hash(user: User, code: str, secret: str | None = None) -> str:
    """The keyed hash of `code` for `user` (with SECRET_KEY, or the given `secret`)."""
    value = f"{user.pk}:{normalize(code)}"
    return salted_hmac(KEY_SALT, value, secret=secret, algorithm="sha256").hexdigest()


def candidate_hashes(user: User, code: str) -> list[str]:
    """The hashes `code` may be stored under: one per key, the current SECRET_KEY and its fallbacks."""
    return [code_hash(user, code, secret) for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]


def replace_codes(user: User) -> list[str]:
    """A new set of MFA_RECOVERY_CODE_COUNT codes for `user`; the old set stops working. Returns them in clear."""
    codes = [new_code() for _ in range(gatehouse_settings.MFA_RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=code_hash(user, code)) for code in codes)
    return codes


def use_code(user: User, code: str) -> int | None:
    """Spend `code` if it is an unused code of `user`: how many remain then, or None when it is not one."""
    spent = RecoveryCode.objects.filter(
        user=user, code_hash__in=candidate_hashes(user, code), used_at__isnull=True
    ).update(used_at=timezone.now())
    if not spent:
        return None
    return remaining_codes(user)


def remaining_codes(user: User) -> int:
    """How many unused recovery codes `user` has."""
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def delete_codes(user: User) -> None:
    """Forget every recovery code of `user` (their last factor went)."""
    RecoveryCode.objects.filter(user=user).delete()
