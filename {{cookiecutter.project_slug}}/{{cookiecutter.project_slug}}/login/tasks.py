"""Periodic task of the login app, scheduled by CELERY_BEAT_SCHEDULE in config/settings/base.py."""

from __future__ import annotations

import logging

from celery import shared_task

from .lockout import purge_account_lockouts as purge_lockouts

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def purge_account_lockouts() -> None:
    """Delete the accounts' counts of wrong answers whose window is over and whose lock ended (scheduled daily)."""
    logger.info("Purged %s account lockout rows", purge_lockouts())
