"""Changing the email address (`email/change/`, `email/change/confirm/`): the address is the login, so it moves only once its new mailbox answers.

The request needs a recent authentication, and answers `{}` whatever the address, so
that it tells nobody whether the address has an account. The current address gets a
notice at once (a thief with a session would be seen); the new one gets a link whose
token is made of the pending change (accounts/link_tokens.py), so that a newer request
or the change itself kills it. An address that already has an account gets an email
saying so, and no change is pending for it. Confirming moves the login to the new
address and ends every session but the one that asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.request import Request

from ..authn.errors import EmailChangeLinkInvalid
from ..authn.signals import post_email_change, pre_email_change, pre_email_change_request
from ..authn.tokens import SESSION_ID_CLAIM
from ..login import lockout
from ..mail.tasks import Kind, queue_email
from ..sessions.service import revoke_all_refresh_tokens
from .link_tokens import email_change_token_generator
from .models import PendingEmailChange
from .passwords import ACCOUNTS, locked_user

if TYPE_CHECKING:
    from ..users.models import User


def request_email_change(request: Request, user: User, new_email: str, *, sender: type) -> None:
    """Ask to move `user`'s login to `new_email` (canonical): email a link there and a notice to the current address.

    Emails to the new address count in its email budget (lockout.py), so that nobody
    floods a stranger's mailbox from one account.
    """
    lockout.record_email(lockout.Attempt(request, new_email, ACCOUNTS, "email-change"))
    pre_email_change_request.send(sender=sender, request=request, user=user, new_email=new_email)
    token: Any = request.auth
    session_id = token.get(SESSION_ID_CLAIM, "") if token is not None else ""
    owner = type(user)._default_manager.get_by_email(new_email)
    with transaction.atomic():
        if owner is not None:
            # Taken (by this user too): nothing to confirm, and a newer request supersedes any older one.
            PendingEmailChange.objects.filter(user=user).delete()
            if owner.pk != user.pk:
                queue_email(Kind.ACCOUNT_EXISTS, owner.pk, reason="email_change")
            return
        PendingEmailChange.objects.update_or_create(
            user=user, defaults={"new_email": new_email, "requested_at": timezone.now(), "session_id": session_id}
        )
        queue_email(Kind.EMAIL_CHANGE_CONFIRMATION, user.pk, new_email=new_email)
        queue_email(Kind.EMAIL_CHANGE_REQUESTED, user.pk, new_email=new_email)


def confirm_email_change(request: Request, uid: str, token: str, *, sender: type) -> User:
    """Move the login of the link's account to its pending address; EmailChangeLinkInvalid for any bad link.

    A used, wrong, expired or superseded link, or an address that another account took
    meanwhile, is refused alike. Every session of the user ends but the one that asked.
    """
    try:
        with transaction.atomic():
            user = locked_user(uid)
            pending = PendingEmailChange.objects.filter(user=user).first() if user is not None else None
            if user is None or pending is None or not email_change_token_generator.check_token(user, token):
                raise EmailChangeLinkInvalid()
            if type(user)._default_manager.filter(email=pending.new_email).exclude(pk=user.pk).exists():
                pending.delete()
                raise EmailChangeLinkInvalid()
            pre_email_change.send(sender=sender, request=request, user=user, new_email=pending.new_email)
            old_email = user.email
            user.email = pending.new_email
            user.save(update_fields=["email"])
            pending.delete()
            revoke_all_refresh_tokens(user, keep_session=pending.session_id or None)
    except IntegrityError as error:
        # Another account took the address at the same moment.
        raise EmailChangeLinkInvalid() from error
    post_email_change.send(sender=sender, request=request, user=user, old_email=old_email)
    return user
