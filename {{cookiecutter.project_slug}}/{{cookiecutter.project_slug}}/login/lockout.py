"""Where every login attempt is reported: the one place for per-account and per-client limits.

The scenario engine calls `check_allowed()` before a step checks an answer,
`record_failure()` after every wrong answer, and `record_success()` after a completed
login; a step that emails a code, and every account endpoint that sends an email, calls
`record_email()` before it queues the email. Throttles and lockouts belong here and
nowhere else, so they apply to every scenario, custom ones included, without touching
any of them.

Two budgets of wrong answers, shared by every factor (password, emailed code, ...),
whose sizes the adapter's `lockout_limits()` gives (GATEHOUSE["ADAPTER"]; by default
the GATEHOUSE values named here):

- per account: LOCKOUT_ACCOUNT_THRESHOLD failures within LOCKOUT_WINDOW lock the
  submitted identifier (the normalized email), whether or not an account has it, so
  that a lockout never tells one case from the other. A completed login resets it:
  NIST SP 800-63B counts *consecutive* failures, and only someone who holds the
  account's factors can complete its login.
- per client address: LOCKOUT_IP_THRESHOLD failures within LOCKOUT_WINDOW lock the
  address, across every account it tries (credential stuffing). Successes never reset
  it: an attacker with one account of their own could otherwise wipe the count
  between guesses at other accounts.

A lock lasts LOCKOUT_COOL_OFF from the failure that took it and expires by itself;
attempts during it are refused before their answer is checked (a right password
too) and neither count nor extend it. A password reset through an emailed link ends
the lock of its account (accounts/passwords.py), so a lock an attacker keeps renewing never shuts
the owner out for longer than it takes to read an email.

Emails have budgets of their own, from the adapter's `email_limits()` (by default
EMAIL_ACCOUNT_LIMIT per address and EMAIL_IP_LIMIT per client within EMAIL_WINDOW): a
login lock does not stop a password reset, which is how the owner of a locked account
gets back in.

Counters live in the default cache and are counted with `add` then `incr`, which is
atomic on Redis (INCRBY) and on the local-memory cache, so parallel requests cannot
slip past a threshold by more than the requests already past `check_allowed()`.
Django's DatabaseCache implements `incr` as a read then a write: under concurrency it
can lose counts. Production uses Redis (docs/login.md). A cache that is down
raises, and the API answers 503: limits never fail open.

Accounts are named by a keyed hash of the identifier in counters, logs and the audit
log: events of one account can be followed without writing addresses anywhere.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.http import HttpRequest

from ..authn import signals
from ..authn.adapter import Limit, Limits, get_adapter
from ..authn.errors import LockedOut
from ..authn.identity import client_ip, identifier_key

logger = logging.getLogger(__name__)

CACHE_PREFIX = "authn:attempts:"
# IPv6 clients are counted by their /64: one host usually holds a whole /64 and can pick any address in it.
IPV6_PREFIX_LENGTH = 64


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
        """The client's address: REMOTE_ADDR, or the X-Forwarded-For hop that TRUSTED_PROXY_COUNT names."""
        return client_ip(self.request)


def client_key(address: str) -> str:
    """What the per-client budget counts: the address, or its /64 network for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "-"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX_LENGTH}", strict=False))
    return str(parsed)


def now() -> float:
    """The current time in seconds since the epoch; tests move it to see locks expire."""
    return time.time()


@dataclass(frozen=True)
class Budget:
    """One counter and its lock: `limit.threshold` events within `limit.window` lock `key` for `limit.cool_off`."""

    key: str
    limit: Limit

    @property
    def counter_key(self) -> str:
        return f"{CACHE_PREFIX}count:{self.key}"

    @property
    def lock_key(self) -> str:
        return f"{CACHE_PREFIX}lock:{self.key}"


def login_budgets(attempt: Attempt) -> tuple[Budget, Budget]:
    """The account's and the client's budget of wrong answers, sized by the adapter's `lockout_limits()`."""
    limits = get_adapter().lockout_limits(
        attempt.request, identifier=attempt.identifier, scenario=attempt.scenario, step=attempt.step
    )
    return budgets(attempt, limits, account_prefix="account", client_prefix="ip")


def email_budgets(attempt: Attempt) -> tuple[Budget, Budget]:
    """The address's and the client's budget of emails, sized by the adapter's `email_limits()`."""
    limits = get_adapter().email_limits(
        attempt.request, identifier=attempt.identifier, scenario=attempt.scenario, step=attempt.step
    )
    return budgets(attempt, limits, account_prefix="email", client_prefix="email-ip")


def budgets(attempt: Attempt, limits: Limits, *, account_prefix: str, client_prefix: str) -> tuple[Budget, Budget]:
    """The budgets of `attempt`'s account and client; the prefixes name the kind of event in keys and logs."""
    return (
        Budget(f"{account_prefix}:{attempt.identifier_key}", limits.account),
        Budget(f"{client_prefix}:{client_key(attempt.client)}", limits.client),
    )


def check_allowed(attempt: Attempt) -> None:
    """Refuse `attempt` with LockedOut (429, `Retry-After`) before its answer is checked, when locked out.

    One cache round trip reads both locks. The answer is the same whether or not an
    account has the identifier.
    """
    refuse_if_locked(login_budgets(attempt))


def record_failure(attempt: Attempt, code: str) -> None:
    """Count a wrong answer against its account and client, lock whichever reached its threshold, and log it."""
    logger.warning(
        "Login step failed: scenario=%s step=%s code=%s account=%s client=%s",
        attempt.scenario,
        attempt.step,
        code,
        attempt.identifier_key,
        attempt.client,
    )
    signals.login_attempt_failed.send(
        sender=Attempt,
        request=attempt.request,
        identifier=attempt.identifier,
        scenario=attempt.scenario,
        step=attempt.step,
        code=code,
    )
    for budget in login_budgets(attempt):
        if lock_if_exhausted(budget):
            logger.warning(
                "Locked out: %s for %ss (scenario=%s account=%s client=%s)",
                budget.key.split(":", 1)[0],
                int(budget.limit.cool_off.total_seconds()),
                attempt.scenario,
                attempt.identifier_key,
                attempt.client,
            )
            signals.locked_out.send(
                sender=Attempt,
                request=attempt.request,
                identifier=attempt.identifier,
                scenario=attempt.scenario,
                step=attempt.step,
                budget=budget.key.split(":", 1)[0],
            )


def record_success(attempt: Attempt) -> None:
    """Note a completed login: the account's count of failures starts again (the client's does not)."""
    account_budget, _client_budget = login_budgets(attempt)
    cache.delete(account_budget.counter_key)
    logger.info(
        "Login succeeded: scenario=%s account=%s client=%s",
        attempt.scenario,
        attempt.identifier_key,
        attempt.client,
    )


def record_email(attempt: Attempt) -> None:
    """Count an email to the address `attempt` names, against the address and the client; LockedOut past a cap.

    Called before the email is queued, so a refused request sends nothing. The cap is
    keyed on the submitted address, whether or not it has an account.
    """
    budgets = email_budgets(attempt)
    refuse_if_locked(budgets)
    for budget in budgets:
        if lock_if_exhausted(budget):
            logger.warning(
                "Email cap reached: %s (scenario=%s step=%s account=%s client=%s)",
                budget.key.split(":", 1)[0],
                attempt.scenario,
                attempt.step,
                attempt.identifier_key,
                attempt.client,
            )
    logger.info(
        "Email requested: scenario=%s step=%s account=%s client=%s",
        attempt.scenario,
        attempt.step,
        attempt.identifier_key,
        attempt.client,
    )


def clear_account_lockout(identifier: str) -> None:
    """End the lock and the count of failures of an account (after its owner reset the password by email)."""
    # Only the keys matter here: the limit is never counted against.
    account_budget = Budget(f"account:{identifier_key(identifier)}", Limit(0, timedelta(0), timedelta(0)))
    cache.delete_many([account_budget.counter_key, account_budget.lock_key])


def refuse_if_locked(budgets: tuple[Budget, ...]) -> None:
    """Raise LockedOut with the longest wait among the budgets that are locked now."""
    deadlines = cache.get_many([budget.lock_key for budget in budgets])
    current = now()
    waits = [deadline - current for deadline in deadlines.values() if deadline > current]
    if waits:
        # Whole seconds, at least one: Retry-After takes an integer, and 0 would invite an immediate retry.
        raise LockedOut(wait=max(1, math.ceil(max(waits))))


def lock_if_exhausted(budget: Budget) -> bool:
    """Count one event against `budget`; lock it when the count reaches the threshold. True if it locked now.

    The window starts at the first event (`add` sets the counter's lifetime) and the
    count restarts once a lock is taken, so that after a lock expires the budget is whole
    again. `add` also takes the lock: a lock that exists is never moved, so attempts
    during a lockout cannot extend it.
    """
    count = increment(budget.counter_key, budget.limit.window)
    if count < budget.limit.threshold:
        return False
    cool_off = budget.limit.cool_off.total_seconds()
    locked_now = cache.add(budget.lock_key, now() + cool_off, timeout=math.ceil(cool_off))
    cache.delete(budget.counter_key)
    return locked_now


def increment(key: str, window: timedelta) -> int:
    """Add one to the counter `key`, created for `window` if absent; the new count, atomically on Redis."""
    timeout = math.ceil(window.total_seconds())
    for _ in range(3):
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key)
        except ValueError:
            # The counter expired between `add` and `incr`: start a new window.
            continue
    raise RuntimeError(f"Could not count an attempt in the cache key {key!r}")
