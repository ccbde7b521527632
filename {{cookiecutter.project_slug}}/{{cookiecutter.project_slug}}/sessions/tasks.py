"""Periodic tasks of sessions, scheduled by CELERY_BEAT_SCHEDULE in config/settings/base.py."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.management import call_command

from .service import purge_refresh_families as purge_families

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def purge_refresh_families() -> None:
    """Delete refresh-token families past their absolute end (scheduled daily)."""
    logger.info("Purged %s refresh-token families", purge_families())


@shared_task(ignore_result=True)
def flush_expired_tokens() -> None:
    """Delete refresh tokens past their expiry, with their blacklist entries (scheduled daily).

    Runs simplejwt's `flushexpiredtokens` command: an expired token is refused on its
    expiry alone, so its rows only make the tables (and every blacklist lookup) grow.
    """
    call_command("flushexpiredtokens")
    logger.info("Flushed expired refresh tokens")
