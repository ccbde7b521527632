"""The emails of accounts, built when their outbox row is sent, and the kinds they are registered as.

Links are the adapter's (`activation_url()`, `password_reset_url()`, `frontend_url()`;
by default FRONTEND_URL + a path of GATEHOUSE such as ACTIVATION_URL_PATH, whatever
Host the request that caused the email named, with `uid` and `token` in the query);
the tokens are made when the email is sent, for the account as it is then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMultiAlternatives

from ..authn.adapter import get_adapter
from ..authn.conf import gatehouse_settings
from ..mail.messages import build_email, email_address, minutes
from ..mail.outbox import EmailKind, any_account, register_kind
from ..mail.tasks import Kind
from .link_tokens import (
    activation_token_generator,
    email_change_token_generator,
    encode_uid,
    password_reset_token_generator,
)
from .models import PendingEmailChange

if TYPE_CHECKING:
    from ..users.models import User


def awaits_activation(user: User) -> bool:
    """Only a registered account that has not been activated yet gets an activation link."""
    return bool(getattr(user, "awaits_activation", False))


def is_active(user: User) -> bool:
    """Only an active account gets a password reset link: a reset never switches an account on."""
    return bool(user.is_active)


def activation_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The email with the link that activates a newly registered account (a token made now)."""
    link = get_adapter().activation_url(user, uid=encode_uid(user), token=activation_token_generator.make_token(user))
    return build_email(
        "accounts/email/activation",
        to=email_address(user),
        context={"user": user, "link": link, "valid_for_minutes": minutes(gatehouse_settings.ACTIVATION_TOKEN_TTL)},
    )


def account_exists_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The email to the owner of an address that somebody tried to register again, or to move another account to."""
    return build_email(
        "accounts/email/account_exists",
        to=email_address(user),
        context={
            "user": user,
            "frontend_url": get_adapter().frontend_url("/"),
            "email_change": payload.get("reason") == "email_change",
        },
    )


def is_the_pending_change(user: User, payload: dict[str, Any]) -> bool:
    """Whether the row's address is still the one the user asks to move to (no newer request, not done)."""
    return PendingEmailChange.objects.filter(user=user, new_email=payload.get("new_email")).exists()


def email_change_confirmation_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The email to the new address, with the link that moves the login there (a token made now)."""
    link = get_adapter().email_change_url(
        user, uid=encode_uid(user), token=email_change_token_generator.make_token(user)
    )
    return build_email(
        "accounts/email/email_change_confirmation",
        to=payload["new_email"],
        context={
            "user": user,
            "link": link,
            "valid_for_minutes": minutes(gatehouse_settings.EMAIL_CHANGE_TOKEN_TTL),
        },
    )


def email_change_requested_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The notice to the current address that a move to another was asked, with the way back if it was not them."""
    return build_email(
        "accounts/email/email_change_requested",
        to=email_address(user),
        context={
            "user": user,
            "new_email": payload.get("new_email", ""),
            "frontend_url": get_adapter().frontend_url("/"),
        },
    )


def password_reset_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The email with the link that sets a new password (a token made now)."""
    link = get_adapter().password_reset_url(
        user, uid=encode_uid(user), token=password_reset_token_generator.make_token(user)
    )
    return build_email(
        "accounts/email/password_reset",
        to=email_address(user),
        context={
            "user": user,
            "link": link,
            "valid_for_minutes": minutes(gatehouse_settings.PASSWORD_RESET_TOKEN_TTL),
        },
    )


def password_changed_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The notice that the account's password was changed or reset, with the way back if it was not them."""
    return build_email(
        "accounts/email/password_changed",
        to=email_address(user),
        context={"user": user, "frontend_url": get_adapter().frontend_url("/")},
    )


def account_deleted_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The goodbye to a deleted account, sent to the address it had (`user` is a stand-in, outbox.former_account)."""
    return build_email(
        "accounts/email/account_deleted",
        to=email_address(user),
        context={"user": user, "frontend_url": get_adapter().frontend_url("/")},
    )


def register_email_kinds() -> None:
    """Tell the outbox how to build the emails of accounts (AccountsConfig.ready())."""
    register_kind(Kind.ACTIVATION, EmailKind(activation_email, awaits_activation))
    register_kind(Kind.ACCOUNT_EXISTS, EmailKind(account_exists_email, any_account))
    # A reset link asked for longer ago than a link lives is stale: the user has asked again or given up.
    register_kind(Kind.PASSWORD_RESET, EmailKind(password_reset_email, is_active, "PASSWORD_RESET_TOKEN_TTL"))
    register_kind(Kind.PASSWORD_CHANGED, EmailKind(password_changed_email, any_account))
    register_kind(Kind.ACCOUNT_DELETED, EmailKind(account_deleted_email, any_account, for_former_account=True))
    register_kind(
        Kind.EMAIL_CHANGE_CONFIRMATION,
        EmailKind(
            email_change_confirmation_email,
            is_active,
            "EMAIL_CHANGE_TOKEN_TTL",
            applies_to_payload=is_the_pending_change,
        ),
    )
    register_kind(Kind.EMAIL_CHANGE_REQUESTED, EmailKind(email_change_requested_email, any_account))
