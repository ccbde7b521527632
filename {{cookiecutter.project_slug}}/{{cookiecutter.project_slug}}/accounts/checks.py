"""Deploy checks of the account emails: their links must lead to a page that takes them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error

FRONTEND_URL_INVALID = "accounts.E001"


def check_frontend_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Refuse an empty or plain-HTTP FRONTEND_URL: activation, reset and email-change links would lead
    nowhere, or carry their tokens in clear text."""
    url = urlsplit(settings.FRONTEND_URL)
    if url.scheme == "https" and url.netloc:
        return []
    problem = "is not set" if not settings.FRONTEND_URL else f"is {settings.FRONTEND_URL!r}, not an https:// URL"
    return [
        Error(
            f"FRONTEND_URL {problem}: the activation, password reset and email change links of emails would "
            "lead nowhere or carry their tokens in clear text. Set FRONTEND_URL to the https:// base of the "
            "pages that take them.",
            obj="settings.FRONTEND_URL",
            id=FRONTEND_URL_INVALID,
        )
    ]
