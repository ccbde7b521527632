"""Celery tasks of the authn app: the emails it sends, off the request path.

Task arguments travel through the broker and show in logs and monitors, so they carry
ids only. The login code is drawn inside the task that emails it; no log line names it.
Account emails (activation, password reset, notices) go through the outbox (outbox.py):
their tasks carry the id of an outbox row, and the links' tokens are made when they are sent.
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction

from . import audit, outbox, tokens
from .codes import issue_code
from .conf import gatehouse_settings
from .emails import SEND_ERRORS, login_code_email

logger = logging.getLogger(__name__)

# Worth retrying: the mail server refused for now, dropped the connection, or timed out.
SMTP_ERRORS = SEND_ERRORS


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=SMTP_ERRORS,
    max_retries=5,
    # Waits of about 2, 4, 8, 16 and 32 seconds: every retry lands while the code is still valid.
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def send_login_code(user_id: str | None, flow_id: str, valid_for_seconds: int) -> None:
    """Draw a code for the flow `flow_id` and email it to the account `user_id`, at its stored address.

    `user_id` is None when the address that asked for a code has no account: the task
    is queued all the same, so that asking costs the same whether or not the account
    exists, and it issues and sends nothing. A retry draws a new code, which replaces
    the one whose email may not have left.
    """
    if user_id is None:
        return
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        logger.info("No login code sent: user %s no longer exists", user_id)
        return
    valid_for = timedelta(seconds=valid_for_seconds)
    code = issue_code(flow_id=flow_id, length=gatehouse_settings.EMAIL_CODE_LENGTH, valid_for=valid_for)
    gatehouse_settings.EMAIL_SENDER(login_code_email(user, code=code, valid_for=valid_for))
    logger.info("Sent a login code to user %s", user_id)


def queue_login_code(*, user_id: str | None, flow_id: str, valid_for: timedelta) -> None:
    """Queue `send_login_code` once the current transaction commits.

    The message expires with the code, so that a worker catching up on a backlog never
    mails a code that can no longer be used.
    """
    seconds = int(valid_for.total_seconds())
    transaction.on_commit(functools.partial(publish_login_code, user_id, flow_id, seconds))


def publish_login_code(user_id: str | None, flow_id: str, valid_for_seconds: int) -> None:
    """Publish `send_login_code` once, without waiting on a broker that cannot be reached.

    A login code lives minutes, so it is not worth an outbox row: when publishing fails
    the request still answers as usual (it must not differ for unknown addresses), and
    the person asks for a new code.
    """
    try:
        send_login_code.apply_async(args=(user_id, flow_id, valid_for_seconds), expires=valid_for_seconds, retry=False)
    except Exception:
        logger.exception("Could not queue a login code email for user %s", user_id)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=SMTP_ERRORS,
    max_retries=5,
    # Waits of about 2, 4, 8, 16 and 32 seconds (at most a minute, far below the Redis
    # broker's visibility timeout); after the last, the periodic drain takes over.
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
    queued = outbox.drain()
    if queued:
        logger.info("Queued %s outbox emails again", queued)


@shared_task(ignore_result=True)
def purge_outbox() -> None:
    """Delete sent and discarded outbox emails past GATEHOUSE["OUTBOX_RETENTION"] (scheduled daily)."""
    logger.info("Purged %s outbox emails", outbox.purge())


@shared_task(ignore_result=True)
def purge_audit_log() -> None:
    """Delete audit events past GATEHOUSE["AUDIT_LOG_RETENTION"] (scheduled daily)."""
    logger.info("Purged %s audit events", audit.purge())


@shared_task(ignore_result=True)
def purge_refresh_families() -> None:
    """Delete refresh-token families past their absolute end (scheduled daily)."""
    logger.info("Purged %s refresh-token families", tokens.purge_refresh_families())
