"""The notices of second factors: a factor added, a factor removed, a recovery code used.

Each goes to the account's address, so that its owner hears of a change they did not make
(NIST SP 800-63B section 6.1.2.1); none holds a secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext_lazy as _

from ..authn.adapter import get_adapter
from ..mail.messages import build_email, email_address
from ..mail.outbox import EmailKind, any_account, register_kind
from ..mail.tasks import Kind

if TYPE_CHECKING:
    from ..users.models import User

FACTOR_NAMES = {
    "totp": _("an authenticator app (TOTP)"),
    "passkey": _("a passkey"),
    "all": _("every second factor"),
}


def factor_name(payload: dict[str, Any]) -> str:
    """How the email names the factor of `payload`."""
    return str(FACTOR_NAMES.get(payload.get("factor", ""), _("a second factor")))


def second_factor_added_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The notice that a second factor was added to the account."""
    return build_email(
        "mfa/email/second_factor_added",
        to=email_address(user),
        context={"user": user, "factor": factor_name(payload), "frontend_url": get_adapter().frontend_url("/")},
    )


def second_factor_removed_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The notice that a second factor (or every one, by staff) was removed from the account."""
    return build_email(
        "mfa/email/second_factor_removed",
        to=email_address(user),
        context={"user": user, "factor": factor_name(payload), "frontend_url": get_adapter().frontend_url("/")},
    )


def recovery_code_used_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The notice that a recovery code was used, with how many are left."""
    return build_email(
        "mfa/email/recovery_code_used",
        to=email_address(user),
        context={
            "user": user,
            "remaining": payload.get("remaining", 0),
            "frontend_url": get_adapter().frontend_url("/"),
        },
    )


def register_email_kinds() -> None:
    """Tell the outbox how to build the notices of second factors (MfaConfig.ready())."""
    register_kind(Kind.SECOND_FACTOR_ADDED, EmailKind(second_factor_added_email, any_account))
    register_kind(Kind.SECOND_FACTOR_REMOVED, EmailKind(second_factor_removed_email, any_account))
    register_kind(Kind.RECOVERY_CODE_USED, EmailKind(recovery_code_used_email, any_account))
