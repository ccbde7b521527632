"""The transactional outbox of account emails: nothing is lost when the broker or the mail server is down.

`enqueue()` writes an `OutboxEmail` row in the caller's transaction (the one that
creates the user, say) and, once that transaction commits, publishes a task that
delivers it. The web request never waits for the broker: publishing is one attempt,
bounded by the broker connection timeout, and a failure is logged and leaves the row
due at once. A periodic task (`drain()`, every minute on the beat schedule) queues
every row that is due again: rows whose publishing failed, whose task gave up
retrying, or whose worker died mid-send. `purge()` deletes finished rows after
GATEHOUSE["OUTBOX_RETENTION"].

`deliver()` sends a row at most once: it claims the row with one atomic UPDATE
(pending to sending), so that of two workers, or a task and its duplicate, only one
sends, and a sent row is never claimed again. The one window left is a worker that
dies after the mail server accepted the message and before the row is marked sent:
its claim expires after OUTBOX_SEND_TIMEOUT and the email goes again (at least once,
never lost). OUTBOX_SEND_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT, after which
Celery kills a stuck attempt.

Rows name an account, never an address or a secret: when a row is sent, its email
goes to the address the account has then, with link tokens made then.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .conf import gatehouse_settings
from .emails import (
    SEND_ERRORS,
    account_exists_email,
    activation_email,
    is_permanent_failure,
    password_changed_email,
    password_reset_email,
)
from .models import OutboxEmail

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.core.mail import EmailMessage

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

    build: Callable[[AbstractBaseUser], EmailMessage]
    # Whether the account (as it is when the row is sent) should get this email.
    applies_to: Callable[[AbstractBaseUser], bool]
    # The GATEHOUSE setting after which an unsent row is stale and discarded, if any.
    max_age_setting: str | None = None


def awaits_activation(user: AbstractBaseUser) -> bool:
    """Only a registered account that has not been activated yet gets an activation link."""
    return bool(getattr(user, "activation_pending", False)) and not user.is_active


def is_active(user: AbstractBaseUser) -> bool:
    """Only an active account gets a password reset link: a reset never switches an account on."""
    return bool(user.is_active)


def any_account(user: AbstractBaseUser) -> bool:
    """Notices go to their account whatever its state."""
    return True


KINDS: dict[str, EmailKind] = {
    Kind.ACTIVATION: EmailKind(activation_email, awaits_activation),
    Kind.ACCOUNT_EXISTS: EmailKind(account_exists_email, any_account),
    # A reset link asked for longer ago than a link lives is stale: the user has asked again or given up.
    Kind.PASSWORD_RESET: EmailKind(password_reset_email, is_active, "PASSWORD_RESET_TOKEN_TTL"),
    Kind.PASSWORD_CHANGED: EmailKind(password_changed_email, any_account),
}


def enqueue(kind: str, user: AbstractBaseUser | None) -> OutboxEmail:
    """Write an email of `kind` for `user` (None: no account, sent nowhere) and publish it on commit.

    Call it inside the transaction whose change the email reports: a rolled-back
    change leaves neither a row nor a task.
    """
    email = OutboxEmail.objects.create(
        kind=kind,
        user=user,
        # The task published on commit sends it; the drain steps in only if that has not happened by then.
        next_attempt_at=timezone.now() + gatehouse_settings.OUTBOX_RETRY_DELAY,
    )
    transaction.on_commit(functools.partial(publish, email.pk))
    return email


def publish(email_id: int) -> None:
    """Queue the task that delivers the row `email_id`; on any failure, log and leave the row to the drain.

    This runs after the transaction committed, in the request: whatever goes wrong here
    (the broker is unreachable; with tasks run inline, the send itself failed) must not
    turn a saved registration into an error, since the row is safe in the outbox.
    """
    from .tasks import deliver_outbox_email  # tasks.py imports this module

    try:
        deliver_outbox_email.apply_async(args=(email_id,), retry=False)
    except Exception:
        logger.exception("Could not queue outbox email %s; the periodic drain will send it", email_id)
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
    try:
        gatehouse_settings.EMAIL_SENDER(KINDS[email.kind].build(email.user))
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
    if email.user is None:
        return "No account has the address that was given."
    if not kind.applies_to(email.user):
        return "The account no longer needs this email."
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


def drain() -> int:
    """Queue every row that is due (never published, given up by its task, or whose attempt expired).

    Rows past GATEHOUSE["OUTBOX_MAX_ATTEMPTS"] are discarded instead. Returns how many
    rows were queued. Concurrent drains skip each other's rows (on PostgreSQL).
    """
    now = timezone.now()
    with transaction.atomic():
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
        for pk in queued:
            transaction.on_commit(functools.partial(publish, pk))
    if exhausted:
        logger.error(
            "Gave up on outbox emails %s after %s attempts each", exhausted, gatehouse_settings.OUTBOX_MAX_ATTEMPTS
        )
    return len(queued)


def purge() -> int:
    """Delete sent and discarded rows older than GATEHOUSE["OUTBOX_RETENTION"]; return how many."""
    cutoff = timezone.now() - gatehouse_settings.OUTBOX_RETENTION
    deleted, _ = OutboxEmail.objects.filter(status__in=[Status.SENT, Status.DISCARDED], created_at__lt=cutoff).delete()
    return deleted
