"""How every email is built, and which sending errors are worth a retry.

An email called `<app>/email/<name>` is rendered from `<name>_subject.txt`, `<name>.txt`
and `<name>.html` under the sending app's `templates/<app>/email/`, whose HTML extends
`mail/email/base.html`: a project restyles its emails by overriding those templates,
never this module. Every email leaves through the adapter's `send_email()`
(GATEHOUSE["ADAPTER"]; by default Django's EMAIL_BACKEND), called by the outbox, which
a project overrides to alter a message or send it through an API.

Links are made by the adapter's `frontend_url()`: FRONTEND_URL, whatever Host the
request that caused the email named.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from ..authn.conf import gatehouse_settings

if TYPE_CHECKING:
    from ..users.models import User

# What sending can raise that is worth trying again: the mail server refused for now, dropped
# the connection, or timed out (see `is_permanent_failure` for refusals that are final).
SEND_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)
# SMTP reply codes from 500 up say that the same message will never be accepted (RFC 5321 section 4.2.1).
PERMANENT_SMTP_CODE = 500


def is_permanent_failure(error: BaseException) -> bool:
    """Whether the mail server refused this message for good: a 5xx reply to its recipient or its data.

    Retrying such a message is useless. Refusals of the connection, the login or the
    sender are about the configuration, not the message: those are retried (a bounded
    number of times), so that a broken mail setting, once fixed, loses nothing.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= PERMANENT_SMTP_CODE for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= PERMANENT_SMTP_CODE
    return False


def email_address(user: User) -> str:
    """The address stored on the account: the only one its emails ever go to."""
    return getattr(user, user.get_email_field_name())


def minutes(duration: timedelta) -> int:
    """A duration in whole minutes for an email's text, at least one."""
    return max(1, round(duration.total_seconds() / 60))


def build_email(name: str, *, to: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    """The email rendered from the templates called `name` (`<app>/email/<name>`), as text with an HTML alternative."""
    context = {"site_name": gatehouse_settings.SITE_NAME, **context}
    # A subject is one header line, whatever line breaks its template holds.
    subject = " ".join(render_to_string(f"{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{name}.txt", context),
        to=[to],
        # The language it is written in (RFC 3282), the active one: the outbox row's.
        headers={"Content-Language": translation.get_language() or settings.LANGUAGE_CODE},
    )
    message.attach_alternative(render_to_string(f"{name}.html", context), "text/html")
    return message
