"""A user's second factors: whether they have one, checking a code, and adding or removing a factor.

Every change to a user's factors queues an email to the account (mail/) and sends a signal
of authn/signals.py (the audit log records it). A code is a TOTP code (six digits) or a
recovery code; the same check serves the `mfa` login step and `reauthenticate/`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import BooleanField
from django.http import HttpRequest

from ..authn import signals
from ..authn.errors import CodeInvalid
from ..login.accounts import AboutOuterAccount
from ..mail.tasks import Kind, queue_email
from . import recovery, totp
from .models import Passkey, RecoveryCode, TOTPDevice

# The annotation under which the login's read of an account loads `second_factor_exists()` (login/accounts.py).
HAS_SECOND_FACTOR = "has_second_factor"

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

    from ..users.models import User

TOTP = "totp"
PASSKEY = "passkey"
# Staff removed every factor of the account (mfa/admin.py).
ALL_FACTORS = "all"
TOTP_CODE = re.compile(totp.CODE_PATTERN)
# What the `code` field takes: a TOTP code or a recovery code, ASCII only.
CODE_PATTERN = f"^(?:{totp.CODE_PATTERN}|{recovery.PATTERN})$"


def confirmed_totp(user: User) -> TOTPDevice | None:
    """The user's TOTP authenticator if it is on."""
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


class SecondFactorExists(AboutOuterAccount):
    """Whether the outer query's user has a second factor, as `has_second_factor()` says: an annotation of the login's read.

    TOTP on or a passkey registered, as two EXISTS written once (login/accounts.py says why).
    """

    output_field = BooleanField()

    def sql(self, connection: BaseDatabaseWrapper, user_id: str) -> str:
        quote = connection.ops.quote_name
        totp, passkey = quote(TOTPDevice._meta.db_table), quote(Passkey._meta.db_table)
        user_column, confirmed_at = quote("user_id"), quote("confirmed_at")
        # Only names from the models' options, quoted: nothing of a request's reaches this SQL.
        return (
            f"(EXISTS (SELECT 1 FROM {totp} t WHERE t.{user_column} = {user_id} AND t.{confirmed_at} IS NOT NULL)"  # noqa: S608
            f" OR EXISTS (SELECT 1 FROM {passkey} p WHERE p.{user_column} = {user_id}))"
        )


def has_second_factor(user: User) -> bool:
    """Whether logins of `user` end with the `mfa` step: TOTP is on, or a passkey is registered (one query)."""
    totp_on = TOTPDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).values("user_id")
    return totp_on.union(Passkey.objects.filter(user_id=user.pk).values("user_id")).exists()


def check_code(request: HttpRequest | None, user: User, code: str) -> None:
    """Accept a TOTP code (once per step) or an unused recovery code of `user`; CodeInvalid otherwise.

    A recovery code is spent, and the account is told by email.
    """
    if TOTP_CODE.fullmatch(code):
        device = confirmed_totp(user)
        if device is None or not totp.accept_code(device, code):
            raise CodeInvalid()
        return
    remaining = recovery.use_code(user, code) if has_second_factor(user) else None
    if remaining is None:
        raise CodeInvalid()
    with transaction.atomic():
        queue_email(Kind.RECOVERY_CODE_USED, user.pk, remaining=remaining)
    signals.recovery_code_used.send(sender=RecoveryCode, request=request, user=user, remaining=remaining)


def factor_added(request: HttpRequest | None, user: User, factor: str) -> None:
    """Tell the account and the audit log that `factor` was added (inside the change's transaction)."""
    queue_email(Kind.SECOND_FACTOR_ADDED, user.pk, factor=factor)
    signals.second_factor_added.send(sender=TOTPDevice, request=request, user=user, factor=factor)


def factor_removed(request: HttpRequest | None, user: User, factor: str) -> None:
    """Tell the account and the audit log that `factor` was removed; the last factor takes the recovery codes."""
    if not has_second_factor(user):
        recovery.delete_codes(user)
    queue_email(Kind.SECOND_FACTOR_REMOVED, user.pk, factor=factor)
    signals.second_factor_removed.send(sender=TOTPDevice, request=request, user=user, factor=factor)


def disable_totp(request: HttpRequest, user: User) -> bool:
    """Turn the user's TOTP off; False when it was not on."""
    with transaction.atomic():
        deleted, _ = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).delete()
        if deleted:
            factor_removed(request, user, TOTP)
    return bool(deleted)


def remove_every_factor(request: HttpRequest | None, user: User) -> None:
    """Remove every factor and recovery code of `user`: what staff do for a user who lost them all.

    `request` is the staff member's (the audit log records where it came from).
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        Passkey.objects.filter(user=user).delete()
        factor_removed(request, user, ALL_FACTORS)


def summary(user: User) -> dict[str, Any]:
    """The answer of `GET mfa/`: whether TOTP is on, the recovery codes left, and the passkeys."""
    passkeys = Passkey.objects.filter(user=user).order_by("created_at")
    return {
        "totp": {"enabled": confirmed_totp(user) is not None},
        "recovery_codes": {"remaining": recovery.remaining_codes(user)},
        "passkeys": [
            {
                "id": passkey.pk,
                "name": passkey.name,
                "created_at": passkey.created_at,
                "last_used_at": passkey.last_used_at,
            }
            for passkey in passkeys
        ],
    }


def exported_factors(user: User) -> dict[str, Any]:
    """The user's second factors for the personal data export: what `GET mfa/` says, no secret."""
    data = summary(user)
    for passkey in data["passkeys"]:
        for field in ("created_at", "last_used_at"):
            passkey[field] = passkey[field].isoformat() if passkey[field] else None
    return data
