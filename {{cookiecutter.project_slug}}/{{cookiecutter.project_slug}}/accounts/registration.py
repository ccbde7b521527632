"""Self-service registration: create an inactive account, email its activation link, activate it.

Who may register is the adapter's decision (`is_open_for_registration()`,
GATEHOUSE["ADAPTER"]): a refused address is answered 403 `registration_closed` before
anything else happens, and the default lets everybody register.

Registering an address that already has an account creates nothing and answers the
same: that account's owner is emailed instead ("you already have an account", or the
activation link again while the account waits for it). Both ways hash the password
once and write one outbox row, so that neither the answer nor its timing tells
whether the address is known. Emails leave through the outbox (mail/outbox.py) once the
transaction commits, whether or not the broker is up.

A new account is inactive and `activation_pending`; its activation link switches it
on. An account that staff deactivated is inactive but not pending: no link, and no
password reset, switches it back on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from rest_framework.request import Request

from ..authn.adapter import get_adapter
from ..authn.errors import ActivationLinkInvalid, RegistrationClosed
from ..authn.signals import post_activation, post_registration, pre_activation, pre_registration
from ..login import lockout
from ..mail.tasks import Kind, queue_email
from ..users.managers import normalize_email
from .link_tokens import activation_token_generator
from .passwords import ACCOUNTS, check_new_password, locked_user

if TYPE_CHECKING:
    from ..users.models import User


def register(
    request: Request, *, email: str, password: str, first_name: str = "", last_name: str = "", sender: type
) -> User:
    """Register `email`, or email the owner of the account it already has; return that account.

    The adapter is asked first whether the address may register at all (RegistrationClosed
    if not); then the password is checked against the rules (with the names given, never
    those of an existing account) before any account is looked up. Neither refusal tells
    whether the address has an account.
    """
    email = normalize_email(email)
    if not get_adapter().is_open_for_registration(request, email):
        raise RegistrationClosed()
    user_model = get_user_model()
    candidate = user_model(
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_active=False,
        activation_pending=True,
    )
    check_new_password(password, candidate)
    pre_registration.send(
        sender=sender, request=request, email=candidate.email, first_name=first_name, last_name=last_name
    )
    lockout.record_email(lockout.Attempt(request, candidate.email, ACCOUNTS, "register"))
    existing = user_model._default_manager.get_by_email(candidate.email)
    if existing is None:
        candidate.set_password(password)
        try:
            with transaction.atomic():
                candidate.save()
                queue_email(Kind.ACTIVATION, candidate.pk)
        except IntegrityError:
            # A concurrent registration of the same address committed first; its email is on its way.
            existing = user_model._default_manager.get_by_email(candidate.email)
            if existing is None:
                raise
        else:
            post_registration.send(sender=sender, request=request, user=candidate, created=True)
            return candidate
    else:
        # The hashing a new account costs, so that a known address takes no less time.
        make_password(password)
        with transaction.atomic():
            queue_email(kind_for_existing(existing), existing.pk)
    post_registration.send(sender=sender, request=request, user=existing, created=False)
    return existing


def kind_for_existing(user: User) -> str:
    """What to email the owner of an address registered again: the activation link while it waits for one."""
    if user.awaits_activation:
        return Kind.ACTIVATION
    return Kind.ACCOUNT_EXISTS


def resend_activation(request: Request, email: str) -> None:
    """Queue the activation link again for an account that waits for one; the work is the same if none does.

    The outbox row is written for any address (discarded unsent unless its account is
    still pending), so the answer and its timing tell nothing.
    """
    email = normalize_email(email)
    lockout.record_email(lockout.Attempt(request, email, ACCOUNTS, "register-resend"))
    user = get_user_model()._default_manager.get_by_email(email)
    with transaction.atomic():
        queue_email(Kind.ACTIVATION, user.pk if user is not None else None)


def activate(request: Request, *, uid: str, token: str, sender: type) -> User:
    """Switch on the account that a valid activation link names; raise ActivationLinkInvalid otherwise.

    The account must still be waiting for activation: a used link, an account staff
    deactivated, and an account that never registered are all refused alike.
    """
    with transaction.atomic():
        user = locked_user(uid)
        if user is None or not user.awaits_activation or not activation_token_generator.check_token(user, token):
            raise ActivationLinkInvalid()
        pre_activation.send(sender=sender, request=request, user=user)
        user.is_active = True
        user.activation_pending = False
        user.save(update_fields=["is_active", "activation_pending"])
    post_activation.send(sender=sender, request=request, user=user)
    return user
