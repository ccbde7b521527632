"""The transactional outbox: every email is a row, so nothing is lost when the broker or the mail server is down.

`mail.tasks.queue_email()` writes an `OutboxEmail` row (here, `add()`) in the caller's
transaction (the one that creates the user, say) and, once that transaction commits,
publishes the task that delivers it. The web request never waits for the broker:
publishing is one attempt, bounded by the broker connection timeout, and a failure is
logged and leaves the row due at once. A periodic task (`mail.tasks.drain()`, every
minute on the beat schedule) queues every row that is due again (`take_due()`): rows
whose publishing failed, whose task gave up retrying, or whose worker died mid-send.
`purge()` deletes finished rows after GATEHOUSE["OUTBOX_RETENTION"].

Each kind of email is registered by the app that sends it (`register_kind()`, from its
AppConfig.ready()): how to build it, and whether it still applies when its turn comes.

`deliver()` builds the row's email and hands it to the adapter's `send_email()`
(GATEHOUSE["ADAPTER"]), which decides how it leaves. It sends a row at most once: it
claims the row with one atomic UPDATE (pending to sending), so that of two workers, or
a task and its duplicate, only one sends, and a sent row is never claimed again. The one window left is a worker that
dies after the mail server accepted the message and before the row is marked sent:
its claim expires after OUTBOX_SEND_TIMEOUT and the email goes again (at least once,
never lost). OUTBOX_SEND_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT, after which
Celery kills a stuck attempt.

Rows name an account, never an address or a secret: when a row is sent, its email
goes to the address the account has then, with the link tokens or codes made then.
The one exception is a kind `for_former_account`: the goodbye to an account deleted
in the same transaction, whose row holds the address and first name it is sent to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone, translation

from ..authn.adapter import get_adapter
from ..authn.conf import gatehouse_settings
from .messages import SEND_ERRORS, is_permanent_failure
from .models import OutboxEmail

if TYPE_CHECKING:
    from django.core.mail import EmailMessage

    from ..users.models import User

logger = logging.getLogger(__name__)

Kind = OutboxEmail.Kind
Status = OutboxEmail.Status
# How many due rows one run of the drain queues; the next run takes the rest.
DRAIN_BATCH_SIZE = 500
# The drain waits twice as long after each failed attempt, up to this.
MAX_RETRY_DELAY = timedelta(days=1)
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class EmailKind:
    """How to build one kind of email, and whether it still makes sense when its turn comes."""

    # Called with the account and the row's payload when the row is sent.
    build: Callable[[User, dict[str, Any]], EmailMessage]
    # Whether the account (as it is when the row is sent) should get this email.
    applies_to: Callable[[User], bool]
    # The GATEHOUSE setting after which an unsent row is stale and discarded, if any.
    max_age_setting: str | None = None
    # Whether the row's payload still applies to the account when it is sent (a newer request may
    # have superseded it), if the kind says.
    applies_to_payload: Callable[[User, dict[str, Any]], bool] | None = None
    # Rows of this kind have no account (it was deleted): `build` gets a stand-in made of the
    # payload's `email` and `first_name` (former_account()).
    for_former_account: bool = False


def any_account(user: User) -> bool:
    """Notices go to their account whatever its state."""
    return True


# Filled by the apps that send emails, from their AppConfig.ready().
KINDS: dict[str, EmailKind] = {}


def former_account(payload: dict[str, Any]) -> User:
    """An unsaved user holding what a row `for_former_account` kept of its deleted account."""
    return get_user_model()(email=payload.get("email", ""), first_name=payload.get("first_name", ""))


def register_kind(kind: str, email_kind: EmailKind) -> None:
    """Make rows of `kind` sendable: the app that sends such emails says how to build them."""
    KINDS[kind] = email_kind


def add(kind: str, user_id: Any, payload: dict[str, Any]) -> OutboxEmail:
    """Write a row of `kind` for the account `user_id` (None: no account, sent nowhere); it is due later.

    The row keeps the active language (the request's, set by LocaleMiddleware), which its email is written in.

    The task published on commit sends it; the drain steps in only if that has not
    happened by `next_attempt_at`.
    """
    return OutboxEmail.objects.create(
        kind=kind,
        user_id=user_id,
        payload=payload,
        language=translation.get_language() or "",
        next_attempt_at=timezone.now() + gatehouse_settings.OUTBOX_RETRY_DELAY,
    )


def make_due_now(email_id: int) -> None:
    """Let the next drain queue the row at once (its task could not be published)."""
    OutboxEmail.objects.filter(pk=email_id, status=Status.PENDING).update(next_attempt_at=timezone.now())


def claim(email_id: int) -> OutboxEmail | None:
    """Take the row for sending, or None when it is sent, discarded, gone, or taken by another worker."""
    claimed = OutboxEmail.objects.filter(pk=email_id, status=Status.PENDING).update(
        status=Status.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=timezone.now() + gatehouse_settings.OUTBOX_SEND_TIMEOUT,
    )
    if not claimed:
        return None
    return OutboxEmail.objects.select_related("user").get(pk=email_id)


def deliver(email_id: int) -> str | None:
    """Send the row `email_id` unless another attempt has it or it is done; return its new status.

    A temporary failure (the errors of emails.SEND_ERRORS that are not final) puts the
    row back, due for the drain later, and is raised again so that the calling task
    retries sooner. A final refusal, or an email that no longer applies, discards it.
    """
    email = claim(email_id)
    if email is None:
        return None
    reason = reason_to_discard(email)
    if reason is not None:
        finish(email, Status.DISCARDED, reason)
        return Status.DISCARDED
    kind = KINDS[email.kind]
    # reason_to_discard() has discarded every other row without a user.
    user = former_account(email.payload) if kind.for_former_account else cast("User", email.user)
    try:
        # In the language of the request that caused it, whichever process sends it and whenever.
        with translation.override(email.language or settings.LANGUAGE_CODE):
            message = kind.build(user, email.payload)
        get_adapter().send_email(message, kind=email.kind, user=user)
    except SEND_ERRORS as error:
        if is_permanent_failure(error):
            logger.error("Outbox email %s (%s) refused for good: %s", email.pk, email.kind, error)
            finish(email, Status.DISCARDED, f"Refused by the mail server: {error}")
            return Status.DISCARDED
        release(email, error)
        raise
    except Exception as error:
        # A bug or a broken template: keep the row for the drain (bounded by OUTBOX_MAX_ATTEMPTS).
        release(email, error)
        raise
    finish(email, Status.SENT)
    logger.info("Sent outbox email %s (%s) to user %s", email.pk, email.kind, email.user_id)
    return Status.SENT


def reason_to_discard(email: OutboxEmail) -> str | None:
    """Why the claimed row must not be sent, or None when it should be."""
    kind = KINDS.get(email.kind)
    if kind is None:
        return f"Unknown kind {email.kind!r}."
    if kind.for_former_account:
        return None if email.payload.get("email") else "The row names no address."
    if email.user is None:
        return "No account has the address that was given."
    if not kind.applies_to(email.user):
        return "The account no longer needs this email."
    if kind.applies_to_payload is not None and not kind.applies_to_payload(email.user, email.payload):
        return "A newer request has superseded this email."
    if kind.max_age_setting and timezone.now() - email.created_at > getattr(gatehouse_settings, kind.max_age_setting):
        return "Not sent in time: the link would have expired before the request was answered."
    return None


def finish(email: OutboxEmail, status: str, reason: str = "") -> None:
    """Mark a claimed row sent or discarded; it is never claimed again."""
    OutboxEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=status,
        sent_at=timezone.now() if status == Status.SENT else None,
        last_error=reason[:MAX_ERROR_LENGTH],
    )


def release(email: OutboxEmail, error: BaseException) -> None:
    """Give a claimed row back after a failed attempt, due for the drain after a delay that doubles each time."""
    delay = min(gatehouse_settings.OUTBOX_RETRY_DELAY * 2 ** max(0, email.attempts - 1), MAX_RETRY_DELAY)
    OutboxEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=Status.PENDING,
        next_attempt_at=timezone.now() + delay,
        last_error=f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH],
    )
    logger.warning("Outbox email %s (%s) not sent, attempt %s: %s", email.pk, email.kind, email.attempts, error)


def take_due() -> list[int]:
    """Within the caller's transaction: the ids of the rows due again, marked as queued once more.

    Rows that never got published, whose task gave up, or whose attempt expired are due.
    Rows past GATEHOUSE["OUTBOX_MAX_ATTEMPTS"] are discarded instead. Concurrent drains
    skip each other's rows (on PostgreSQL).
    """
    now = timezone.now()
    due = list(
        OutboxEmail.objects.select_for_update(skip_locked=True)
        .filter(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", "attempts")[:DRAIN_BATCH_SIZE]
    )
    exhausted = [pk for pk, attempts in due if attempts >= gatehouse_settings.OUTBOX_MAX_ATTEMPTS]
    queued = [pk for pk, attempts in due if attempts < gatehouse_settings.OUTBOX_MAX_ATTEMPTS]
    # Their last_error says why the last attempt failed.
    OutboxEmail.objects.filter(pk__in=exhausted).update(status=Status.DISCARDED)
    # Due again later only if this run's task does not get to it (the broker loses it, say).
    OutboxEmail.objects.filter(pk__in=queued).update(
        status=Status.PENDING, next_attempt_at=now + gatehouse_settings.OUTBOX_RETRY_DELAY
    )
    if exhausted:
        logger.error(
            "Gave up on outbox emails %s after %s attempts each", exhausted, gatehouse_settings.OUTBOX_MAX_ATTEMPTS
        )
    return queued


def exported_emails(user: User) -> list[dict[str, Any]]:
    """The emails kept for `user` (what, when, whether sent), for the personal data export; never their content."""
    rows = OutboxEmail.objects.filter(user_id=user.pk).order_by("-created_at")
    return [
        {
            "kind": row.kind,
            "status": row.status,
            "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        }
        for row in rows
    ]


def purge() -> int:
    """Delete sent and discarded rows older than GATEHOUSE["OUTBOX_RETENTION"]; return how many."""
    cutoff = timezone.now() - gatehouse_settings.OUTBOX_RETENTION
    deleted, _ = OutboxEmail.objects.filter(status__in=[Status.SENT, Status.DISCARDED], created_at__lt=cutoff).delete()
    return deleted
