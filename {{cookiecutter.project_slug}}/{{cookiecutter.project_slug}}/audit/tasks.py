"""Periodic task of the audit log, scheduled by CELERY_BEAT_SCHEDULE in config/settings/base.py."""

from __future__ import annotations

import logging

from celery import shared_task

from .receivers import purge

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def purge_audit_log() -> None:
    """Delete audit events past GATEHOUSE["AUDIT_LOG_RETENTION"] (scheduled daily)."""
    logger.info("Purged %s audit events", purge())
