"""Error reports to Sentry, started by ApiConfig.ready() when SENTRY_DSN is set (production settings).

The options keep credentials out of the reports: this service's request bodies carry
passwords, one-time codes and refresh tokens, and so do the local variables of its
authentication code. Every report is tagged with the id of its request.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from django.conf import settings
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from .request_id import add_request_id_to_sentry_event


def init_sentry() -> None:
    """Start the Sentry client from the SENTRY_* settings; nothing happens without SENTRY_DSN."""
    dsn = getattr(settings, "SENTRY_DSN", "")
    if not dsn:
        return
    # Only the production settings define SENTRY_* (all of them); mypy knows the test settings.
    production_settings: Any = settings
    sentry_sdk.init(
        dsn=dsn,
        environment=production_settings.SENTRY_ENVIRONMENT,
        release=production_settings.SENTRY_RELEASE,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=production_settings.SENTRY_TRACES_SAMPLE_RATE,
        # No user ids, emails, IP addresses, cookies or Authorization headers.
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=add_request_id_to_sentry_event,
    )
