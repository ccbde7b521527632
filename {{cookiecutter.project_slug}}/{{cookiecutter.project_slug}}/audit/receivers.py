"""The audit log: one AuthEvent row per security event of logins and sessions.

Every event is written by a receiver of the signals of authn/signals.py, connected in
AuditConfig.ready(): the apps that cause events send signals and know nothing of the
audit log. Failures and lockouts name the account by the keyed hash of the identifier
that was submitted, whether or not an account has it. A row is one INSERT (in a
savepoint when a transaction is open), written while the request runs: a fraction of
a millisecond next to a password hash, and an event cannot be lost to a crash between
the answer and a deferred write. A failing write is logged and never turns the request
into an error, and never breaks an enclosing transaction.

Rows name the account by user and by the keyed hash of the identifier; they never
hold an address, a password, a code or a token (and `extra` only the error code, the
scenario and step, or a family id).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from ..authn import signals
from ..authn.conf import gatehouse_settings
from ..authn.identity import client_ip, client_user_agent, identifier_key
from .models import USER_AGENT_MAX_LENGTH, AuthEvent

if TYPE_CHECKING:
    from django.dispatch import Signal
    from django.http import HttpRequest

    from ..users.models import User

logger = logging.getLogger(__name__)


def record(
    kind: str,
    request: HttpRequest | None,
    *,
    user: User | None = None,
    identifier_hash: str = "",
    **extra: Any,
) -> AuthEvent | None:
    """Write one event; the row, or None when the database refused it (the failure is logged)."""
    event = AuthEvent(
        kind=kind,
        user=user if user is not None and user.pk is not None else None,
        identifier_hash=identifier_hash,
        client_ip=(client_ip(request) or None) if request is not None else None,
        user_agent=client_user_agent(request, USER_AGENT_MAX_LENGTH),
        extra=extra,
    )
    try:
        if transaction.get_connection().in_atomic_block:
            # A savepoint, so that a failed INSERT leaves the enclosing transaction usable.
            with transaction.atomic():
                event.save()
        else:
            # In autocommit the INSERT is a transaction of its own: nothing else to protect.
            event.save()
    except DatabaseError:
        logger.exception("Could not write the audit event %s", kind)
        return None
    return event


def user_identifier_hash(user: User | None) -> str:
    """The hash that the lockout gives this user's identifier, so that their events line up with failures."""
    if user is None:
        return ""
    return identifier_key(user.get_username())


def exported_events(user: User) -> list[dict[str, Any]]:
    """The audit events of `user`, for the personal data export (without the keyed hash that links them)."""
    return [
        {
            "kind": event.kind,
            "created_at": event.created_at.isoformat(),
            "client_ip": event.client_ip,
            "user_agent": event.user_agent,
            "extra": event.extra,
        }
        for event in AuthEvent.objects.filter(user_id=user.pk).order_by("-created_at")
    ]


def purge() -> int:
    """Delete events older than GATEHOUSE["AUDIT_LOG_RETENTION"]; how many were deleted."""
    cutoff = timezone.now() - gatehouse_settings.AUDIT_LOG_RETENTION
    deleted, _by_model = AuthEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# Receivers (connected in AuditConfig.ready()).


def on_login_attempt_failed(
    sender: type, request: HttpRequest, identifier: str | None, scenario: str, step: str, code: str, **kwargs: Any
) -> None:
    record(
        AuthEvent.Kind.LOGIN_FAILED,
        request,
        identifier_hash=identifier_key(identifier),
        scenario=scenario,
        step=step,
        code=code,
    )


def on_locked_out(
    sender: type, request: HttpRequest, identifier: str | None, scenario: str, step: str, budget: str, **kwargs: Any
) -> None:
    record(
        AuthEvent.Kind.LOCKED_OUT,
        request,
        identifier_hash=identifier_key(identifier),
        scenario=scenario,
        step=step,
        budget=budget,
    )


def on_login_succeeded(sender: type, request: HttpRequest, user: User, scenario: Any, **kwargs: Any) -> None:
    record(
        AuthEvent.Kind.LOGIN_SUCCEEDED,
        request,
        user=user,
        identifier_hash=user_identifier_hash(user),
        scenario=scenario.key,
    )


def on_logged_out(sender: type, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    record(AuthEvent.Kind.LOGOUT, request, user=user, identifier_hash=user_identifier_hash(user))


def on_logged_out_everywhere(sender: type, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(AuthEvent.Kind.LOGOUT_ALL, request, user=user, identifier_hash=user_identifier_hash(user))


def on_refresh_reuse_detected(
    sender: type, request: HttpRequest | None, user: User, family: str, **kwargs: Any
) -> None:
    record(
        AuthEvent.Kind.REFRESH_REUSE_DETECTED,
        request,
        user=user,
        identifier_hash=user_identifier_hash(user),
        family=family,
    )


def on_session_ended(sender: type, request: HttpRequest, user: User, session: str, **kwargs: Any) -> None:
    record(
        AuthEvent.Kind.SESSION_ENDED, request, user=user, identifier_hash=user_identifier_hash(user), family=session
    )


def on_reauthenticated(sender: type, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(AuthEvent.Kind.REAUTHENTICATED, request, user=user, identifier_hash=user_identifier_hash(user))


def on_account_deleted(sender: type, request: HttpRequest, user: User, identifier: str, **kwargs: Any) -> None:
    # The user row is gone: the event keeps the account's keyed hash, and no user.
    record(AuthEvent.Kind.ACCOUNT_DELETED, request, identifier_hash=identifier_key(identifier))


def on_email_changed(sender: type, request: HttpRequest, user: User, old_email: str, **kwargs: Any) -> None:
    record(AuthEvent.Kind.EMAIL_CHANGED, request, user=user, identifier_hash=user_identifier_hash(user))


def on_password_changed(sender: type, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(AuthEvent.Kind.PASSWORD_CHANGED, request, user=user, identifier_hash=user_identifier_hash(user))


def on_password_reset(sender: type, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(AuthEvent.Kind.PASSWORD_RESET, request, user=user, identifier_hash=user_identifier_hash(user))


def on_second_factor_added(sender: type, request: HttpRequest | None, user: User, factor: str, **kwargs: Any) -> None:
    record(
        AuthEvent.Kind.SECOND_FACTOR_ADDED,
        request,
        user=user,
        identifier_hash=user_identifier_hash(user),
        factor=factor,
    )


def on_second_factor_removed(
    sender: type, request: HttpRequest | None, user: User, factor: str, **kwargs: Any
) -> None:
    record(
        AuthEvent.Kind.SECOND_FACTOR_REMOVED,
        request,
        user=user,
        identifier_hash=user_identifier_hash(user),
        factor=factor,
    )


def on_recovery_code_used(sender: type, request: HttpRequest, user: User, remaining: int, **kwargs: Any) -> None:
    record(
        AuthEvent.Kind.RECOVERY_CODE_USED,
        request,
        user=user,
        identifier_hash=user_identifier_hash(user),
        remaining=remaining,
    )


def connect_receivers() -> None:
    """Connect the audit log to the signals of authn/signals.py."""
    receivers: dict[Signal, Callable[..., None]] = {
        signals.login_attempt_failed: on_login_attempt_failed,
        signals.locked_out: on_locked_out,
        signals.login_succeeded: on_login_succeeded,
        signals.logged_out: on_logged_out,
        signals.logged_out_everywhere: on_logged_out_everywhere,
        signals.refresh_reuse_detected: on_refresh_reuse_detected,
        signals.session_ended: on_session_ended,
        signals.post_reauthentication: on_reauthenticated,
        signals.post_account_deletion: on_account_deleted,
        signals.post_email_change: on_email_changed,
        signals.post_password_change: on_password_changed,
        signals.post_password_reset: on_password_reset,
        signals.second_factor_added: on_second_factor_added,
        signals.second_factor_removed: on_second_factor_removed,
        signals.recovery_code_used: on_recovery_code_used,
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver, dispatch_uid=f"audit.{receiver.__name__}")
