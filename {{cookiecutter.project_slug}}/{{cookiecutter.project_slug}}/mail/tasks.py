"""Celery tasks of the mail app, and `queue_email()`: the one way every email leaves, off the request path.

Every email (login codes, activation and reset links, notices) is an outbox row
(mail/outbox.py) written in the caller's transaction; once it commits, the task that
delivers the row is published. Task arguments travel through the broker and show in
logs and monitors, so they carry a row id only: the email's codes and links are made
inside the worker when it is sent, and no log line names them.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from celery import shared_task
from django.db import transaction

from . import outbox
from .messages import SEND_ERRORS
from .models import OutboxEmail

logger = logging.getLogger(__name__)

Kind = OutboxEmail.Kind


def queue_email(kind: str, user_id: Any, **payload: Any) -> OutboxEmail:
    """Write an email of `kind` for the account `user_id` (None: no account, sent nowhere); publish it on commit.

    Call it inside the transaction whose change the email reports: a rolled-back change
    leaves neither a row nor a task. A request about an address without an account
    queues a row all the same, so that it costs what any other request does; that row is
    discarded unsent. `payload` is what the email needs besides the account (JSON, no secret).
    """
    email = outbox.add(kind, user_id, payload)
    transaction.on_commit(functools.partial(publish, email.pk))
    return email


def publish(email_id: int) -> None:
    """Queue the task that delivers the row `email_id`; on any failure, log and leave the row to the drain.

    This runs after the transaction committed, in the request: whatever goes wrong here
    (the broker is unreachable; with tasks run inline, the send itself failed) must not
    turn a saved registration into an error, since the row is safe in the outbox.
    """
    try:
        deliver_outbox_email.apply_async(args=(email_id,), retry=False)
    except Exception:
        logger.exception("Could not queue outbox email %s; the periodic drain will send it", email_id)
        outbox.make_due_now(email_id)


def drain() -> int:
    """Queue every row that is due again (outbox.take_due) once this transaction commits; how many."""
    with transaction.atomic():
        queued = outbox.take_due()
        for pk in queued:
            transaction.on_commit(functools.partial(publish, pk))
    return len(queued)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=SEND_ERRORS,
    max_retries=5,
    # Waits of about 2, 4, 8, 16 and 32 seconds (at most a minute, far below the Redis
    # broker's visibility timeout, and within a login code's life); after the last, the
    # periodic drain takes over.
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def deliver_outbox_email(email_id: int) -> None:
    """Send the outbox row `email_id`, unless it is already sent, discarded, or being sent by another worker."""
    outbox.deliver(email_id)


@shared_task(ignore_result=True)
def drain_outbox() -> None:
    """Queue the outbox emails that are due again (scheduled every minute by CELERY_BEAT_SCHEDULE)."""
    queued = drain()
    if queued:
        logger.info("Queued %s outbox emails again", queued)


@shared_task(ignore_result=True)
def purge_outbox() -> None:
    """Delete sent and discarded outbox emails past GATEHOUSE["OUTBOX_RETENTION"] (scheduled daily)."""
    logger.info("Purged %s outbox emails", outbox.purge())
