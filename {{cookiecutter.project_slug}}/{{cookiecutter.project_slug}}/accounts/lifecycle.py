"""The end of an account: deleting it (`me/delete/`) and exporting what the project holds (`me/export/`).

Deletion asks for the password and a recent authentication, like the other sensitive
actions. In one transaction it ends every session (the user row is locked first, as
sessions/service.py's lock order asks), queues a goodbye email that keeps the address
it goes to, and deletes the row: the rows that point at it go with it (sessions,
pending emails) or lose the link (the audit log keeps its events, named by the
account's keyed hash, until AUDIT_LOG_RETENTION). The address can register again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from rest_framework.request import Request

from ..authn.errors import PASSWORD_INCORRECT, PasswordIncorrect
from ..authn.personal_data import personal_data_sections
from ..authn.signals import post_account_deletion, pre_account_deletion
from ..login import lockout
from ..mail.tasks import Kind, queue_email
from ..sessions.service import revoke_all_refresh_tokens
from .passwords import ACCOUNTS

if TYPE_CHECKING:
    from ..users.models import User


def delete_account(request: Request, user: User, *, password: str, sender: type) -> None:
    """Delete the authenticated `user`, who gave their password again; every session ends, a goodbye is emailed.

    A wrong password counts against the account and the client like a wrong login.
    """
    attempt = lockout.Attempt(request, user.get_username(), ACCOUNTS, "delete-account")
    lockout.check_allowed(attempt)
    if not user.check_password(password):
        lockout.record_failure(attempt, PASSWORD_INCORRECT)
        raise PasswordIncorrect()
    pre_account_deletion.send(sender=sender, request=request, user=user)
    user_id, email = user.pk, user.get_username()
    with transaction.atomic():
        revoke_all_refresh_tokens(user)
        queue_email(Kind.ACCOUNT_DELETED, None, email=email, first_name=user.first_name)
        user.delete()
    post_account_deletion.send(sender=sender, request=request, user=user, user_id=user_id, identifier=email)


def personal_data(user: User) -> dict[str, Any]:
    """What the project holds about `user`: the profile, and every app's section (authn/personal_data.py)."""
    return {
        "user": {
            "id": str(user.pk),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        **personal_data_sections(user),
    }
