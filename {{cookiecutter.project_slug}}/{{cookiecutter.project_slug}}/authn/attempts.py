"""Where every login attempt is reported: the one place for per-account and per-client limits.

The scenario engine calls `check_allowed()` before a step checks an answer,
`record_failure()` after every wrong answer, and `record_success()` after a completed
login; a step that emails a code calls `record_email()` before it queues the email.
Throttles and lockouts belong here and nowhere else, so they apply to every scenario,
custom ones included, without touching any of them.

Accounts are named by the identifier that was submitted (the normalized email),
whether or not an account has it, so that limits never tell one case from the other.
Logs name them by a keyed hash of it: events of one account can be followed without
writing addresses to the logs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

HMAC_SALT = "authn.attempts.identifier"


@dataclass(frozen=True)
class Attempt:
    """One answer to one step: who it claims to be, from where, and on which scenario and step."""

    request: HttpRequest
    identifier: str | None
    scenario: str
    step: str

    @property
    def identifier_key(self) -> str:
        """A keyed hash of the identifier, stable for one account, that names it in logs and counters."""
        return identifier_key(self.identifier)

    @property
    def client(self) -> str:
        """The address the request came from, as the web server saw it."""
        return self.request.META.get("REMOTE_ADDR", "")


def identifier_key(identifier: str | None) -> str:
    """A keyed hash of an identifier (an email), or "-" when there is none."""
    if identifier is None:
        return "-"
    return salted_hmac(HMAC_SALT, identifier, algorithm="sha256").hexdigest()[:20]


def check_allowed(attempt: Attempt) -> None:
    """Refuse `attempt` before its answer is checked when its account or client is locked out.

    Raise an APIException with status 429 and `wait` (the `Retry-After` header) to refuse.
    Nothing is locked out yet: the per-flow limit (FLOW_MAX_FAILED_ATTEMPTS) is the only
    one in force, and brute-force lockouts arrive in this function and `record_failure()`.
    """


def record_failure(attempt: Attempt, code: str) -> None:
    """Count a wrong answer against its account and client, and log it as a security event."""
    logger.warning(
        "Login step failed: scenario=%s step=%s code=%s account=%s client=%s",
        attempt.scenario,
        attempt.step,
        code,
        attempt.identifier_key,
        attempt.client,
    )


def record_success(attempt: Attempt) -> None:
    """Note a completed login; counts of earlier failures stop mattering for this account."""
    logger.info(
        "Login succeeded: scenario=%s account=%s client=%s",
        attempt.scenario,
        attempt.identifier_key,
        attempt.client,
    )


def record_email(attempt: Attempt) -> None:
    """Note that a step emails the account `attempt` names; caps on emails per account and client go here."""
    logger.info(
        "Login code requested: scenario=%s step=%s account=%s client=%s",
        attempt.scenario,
        attempt.step,
        attempt.identifier_key,
        attempt.client,
    )
