"""Passwords: the rules a new one must meet, and the ways to set one (reset by email link, change).

Rules: Django's validators (AUTH_PASSWORD_VALIDATORS), then the project's own,
GATEHOUSE["PASSWORD_VALIDATORS"] in the same format. They run wherever a password is
chosen (registration, reset, change, `password/validate/`), and a refusal carries the
validator's code (`password_too_short`, `password_too_common`, `password_too_similar`,
`password_entirely_numeric`, or a project validator's own). The maximum length
(GATEHOUSE["PASSWORD_MAX_LENGTH"]) is enforced before any of this, by the serializer
field, so that no validator or hasher ever sees a huge password.

Setting a password, by reset or change, revokes every refresh token of the user and
emails the account a notice. Neither returns tokens (docs/accounts.md says why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.request import Request
from rest_framework_simplejwt.exceptions import TokenError

from ..api.openapi import validation_codes
from ..authn.conf import gatehouse_settings
from ..authn.errors import (
    PASSWORD_INCORRECT,
    FactorRejected,
    PasswordIncorrect,
    PasswordResetLinkInvalid,
    TokenNotValid,
)
from ..authn.signals import (
    post_password_change,
    post_password_reset,
    post_password_reset_request,
    post_reauthentication,
    pre_password_change,
    pre_password_reset,
    pre_password_reset_request,
)
from ..authn.tokens import SESSION_ID_CLAIM, TokenPair
from ..login import lockout
from ..mail.tasks import Kind, queue_email
from ..sessions.service import reauthenticate_session, revoke_all_refresh_tokens
from ..users.managers import normalize_email
from .link_tokens import decode_uid, password_reset_token_generator
from .reauthentication import FACTORS

if TYPE_CHECKING:
    from ..users.models import User

# The codes of Django's password validators (AUTH_PASSWORD_VALIDATORS), which the OpenAPI schema lists
# for each endpoint that takes a new password; a project's own validators add their codes here.
PASSWORD_RULE_CODES = validation_codes(
    ("password_too_short", "password_too_common", "password_too_similar", "password_entirely_numeric")
)
# How the account endpoints name themselves to lockout.py (its `scenario`).
ACCOUNTS = "accounts"


def password_validators() -> list[Any]:
    """Django's configured validators followed by GATEHOUSE["PASSWORD_VALIDATORS"]."""
    return [
        *password_validation.get_default_password_validators(),
        *password_validation.get_password_validators(gatehouse_settings.PASSWORD_VALIDATORS),
    ]


def validate_password(password: str, user: User | None = None) -> None:
    """Raise Django's ValidationError, one entry per broken rule, when `password` may not be chosen.

    `user` is the account the password is for (saved or not): the similarity rule
    compares the password with its email and names.
    """
    password_validation.validate_password(password, user=user, password_validators=password_validators())


def check_new_password(password: str, user: User | None, *, field: str = "password") -> None:
    """`validate_password`, refusing with the API's validation error: one entry per rule, about `field`."""
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        raise ValidationError({field: get_error_detail(error)}) from None


def request_password_reset(request: Request, email: str, *, sender: type) -> None:
    """Queue a reset link for the active account with this address, if any; the work is the same if not.

    The outbox row is written whether or not an account has the address (a row without
    one is discarded unsent), so that the answer and its timing tell nothing. No email
    goes to an address without an account: that would let anybody mail strangers.
    """
    email = normalize_email(email)
    user = get_user_model()._default_manager.get_by_email(email)
    account = user if user is not None and user.is_active else None
    pre_password_reset_request.send(sender=sender, request=request, email=email, user=account)
    # Counted apart from every other email, and never refused by a login lockout: a reset is
    # how the owner of a locked account, or of one flooded with login codes, gets back in.
    lockout.record_email(lockout.Attempt(request, email, ACCOUNTS, "password-reset"), recovery=True)
    with transaction.atomic():
        queue_email(Kind.PASSWORD_RESET, user.pk if user is not None else None)
    post_password_reset_request.send(sender=sender, request=request, email=email, user=account)


def reset_password(request: Request, *, uid: str, token: str, password: str, sender: type) -> User:
    """Set the password of the account a valid reset link names; raise PasswordResetLinkInvalid otherwise.

    The account stays as active as it was: only an active account's link is valid, and
    a reset never switches an account on. Every refresh token of the user is revoked,
    the account's lockout ends, and nobody is logged in.
    """
    with transaction.atomic():
        user = locked_user(uid)
        if user is None or not user.is_active or not password_reset_token_generator.check_token(user, token):
            raise PasswordResetLinkInvalid()
        check_new_password(password, user)
        pre_password_reset.send(sender=sender, request=request, user=user)
        set_password(user, password)
    # The owner has just proven they hold the account's mailbox: whatever locked the
    # account (an attacker guessing its password, say) no longer keeps them out.
    # The stored address is in its canonical form: the identifier that logins count against.
    lockout.clear_account_lockout(user.get_username())
    post_password_reset.send(sender=sender, request=request, user=user)
    return user


def change_password(request: Request, user: User, *, old_password: str, new_password: str, sender: type) -> None:
    """Change the password of the authenticated `user`, who must give the current one.

    A wrong current password is reported to lockout.py like a wrong login, so that
    brute-force limits apply here too. Every refresh token of the user is revoked, the
    current client's included.
    """
    attempt = lockout.Attempt(request, user.get_username(), ACCOUNTS, "password-change")
    lockout.check_allowed(attempt)
    if not user.check_password(old_password):
        lockout.record_failure(attempt, PASSWORD_INCORRECT)
        raise PasswordIncorrect()
    check_new_password(new_password, user, field="new_password")
    pre_password_change.send(sender=sender, request=request, user=user)
    with transaction.atomic():
        set_password(user, new_password)
    post_password_change.send(sender=sender, request=request, user=user)


def reauthenticate(request: Request, user: User, *, answer: dict[str, Any], sender: type) -> TokenPair:
    """A fresh token pair in the request's own session, for the authenticated `user` who proved who they are again.

    `answer` is the valid body: the password, or one factor of accounts/reauthentication.py
    (a second factor's code). The sensitive actions (authn/permissions.py) ask for a recent
    authentication: this renews it without a new login. A wrong answer counts against the
    account and the client like a wrong login (lockout.py); while locked out, even the
    right one is refused. TokenNotValid when the request's session has ended.
    """
    attempt = lockout.Attempt(request, user.get_username(), ACCOUNTS, "reauthenticate")
    lockout.check_allowed(attempt)
    if "password" in answer:
        if not user.check_password(answer["password"]):
            lockout.record_failure(attempt, PASSWORD_INCORRECT)
            raise PasswordIncorrect()
    else:
        [(field, value)] = answer.items()
        try:
            FACTORS[field].verify(request, user, value)
        except FactorRejected as error:
            lockout.record_failure(attempt, str(error.default_code))
            raise
    token: Any = request.auth
    session_id = token.get(SESSION_ID_CLAIM) if token is not None else None
    try:
        pair = reauthenticate_session(user, session_id, request)
    except TokenError as error:
        raise TokenNotValid(str(error)) from error
    lockout.record_success(attempt)
    post_reauthentication.send(sender=sender, request=request, user=user)
    return pair


def set_password(user: User, password: str) -> None:
    """Save a new password, end every session of the user, and queue the notice (inside a transaction)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    revoke_all_refresh_tokens(user)
    queue_email(Kind.PASSWORD_CHANGED, user.pk)


def locked_user(uid: str) -> User | None:
    """The account a link's `uid` names, locked until the transaction ends; None for a bad uid.

    FOR NO KEY UPDATE, not FOR UPDATE: the foreign-key checks of a refresh racing with
    this (their KEY SHARE lock on the user row) do not wait for it (sessions/service.py,
    "Lock order").
    """
    pk = decode_uid(uid)
    if pk is None:
        return None
    return get_user_model()._default_manager.select_for_update(no_key=True).filter(pk=pk).first()
