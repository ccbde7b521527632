"""Where every login attempt is reported: the one place for per-account and per-client limits.

The scenario engine calls `check_allowed()` before a step checks an answer,
`record_failure()` after every wrong answer, and `record_success()` after a completed
login; a step that emails a code, and every account endpoint that sends an email, calls
`record_email()` before it queues the email. Throttles and lockouts belong here and
nowhere else, so they apply to every scenario, custom ones included, without touching
any of them.

Two budgets of wrong answers, shared by every factor (password, emailed code, ...) and
the admin's login page, whose sizes the adapter's `lockout_limits()` gives
(GATEHOUSE["ADAPTER"]; by default the GATEHOUSE values named here):

- per account: the submitted identifier (the normalized email), whether or not an
  account has it, so that a lockout never tells one case from the other. Its count
  lives in the database (`AccountLockout`), so that no cache flush or eviction lifts a
  lock, and is updated under a row lock, so that parallel wrong answers are all
  counted. Every LOCKOUT_ACCOUNT_THRESHOLD-th failure within LOCKOUT_ACCOUNT_WINDOW locks
  the account, for LOCKOUT_COOL_OFF the first time and twice as long at each lock after
  it, up to LOCKOUT_MAX_COOL_OFF. A lock does not reset the count: at
  LOCKOUT_ACCOUNT_MAX_FAILURES (100, NIST SP 800-63B's most) the account stays locked
  until a password reset through its emailed link (accounts/passwords.py), or staff
  with the user admin's "Lift the login lockout" (login/admin.py), lifts the lock. A completed login deletes the count: NIST counts
  *consecutive* failures, and only someone who holds the account's factors can
  complete its login.
- per client address: LOCKOUT_IP_THRESHOLD failures within LOCKOUT_WINDOW lock the
  address for LOCKOUT_COOL_OFF, across every account it tries (credential stuffing).
  Successes never reset it: an attacker with one account of their own could otherwise
  wipe the count between guesses at other accounts. This count is in the cache.

Attempts during a lock are refused before their answer is checked (a right password
too) and neither count nor extend it. A password reset through an emailed link ends
the lock of its account, so a lock an attacker keeps renewing never shuts the owner
out for longer than it takes to read an email.

Emails have budgets of their own, from the adapter's `email_limits()` (by default
EMAIL_ACCOUNT_LIMIT per address and EMAIL_IP_LIMIT per client within EMAIL_WINDOW).
Password reset emails are counted apart from every other email (`recovery=True`): a
login lock, or an attacker asking for login codes until the cap, never stops a reset,
which is how the owner of a locked account gets back in.

The client's counters and the email caps live in the default cache and are counted
with `add` then `incr`, which is atomic on Redis (INCRBY) and on the local-memory
cache, so parallel requests cannot slip past a threshold by more than the requests
already past `check_allowed()`. Django's DatabaseCache implements `incr` as a read then
a write: under concurrency it can lose counts. Production uses Redis (docs/login.md).
A cache that is down raises, and the API answers 503: limits never fail open.

Accounts are named by a keyed hash of the identifier in counters, logs and the audit
log: events of one account can be followed without writing addresses anywhere.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

from ..authn import signals
from ..authn.adapter import Limit, Limits, get_adapter
from ..authn.conf import gatehouse_settings
from ..authn.errors import LockedOut
from ..authn.identity import client_ip, identifier_key
from .models import AccountLockout

logger = logging.getLogger(__name__)

CACHE_PREFIX = "authn:attempts:"
# IPv6 clients are counted by their /64: one host usually holds a whole /64 and can pick any address in it.
IPV6_PREFIX_LENGTH = 64
# Lock lengths double from the first lock's; past this many doublings every lock is the longest anyway.
MAX_DOUBLINGS = 40
# The "length" of the lock that LOCKOUT_ACCOUNT_MAX_FAILURES takes: it lasts until a password reset.
UNTIL_RESET = timedelta.max


@dataclass
class Attempt:
    """One answer to one step: who it claims to be, from where, and on which scenario and step."""

    request: HttpRequest
    identifier: str | None
    scenario: str
    step: str
    # Whether `check_allowed()` found a count for the account: only then has a success one to delete.
    account_has_failures: bool = field(default=True, compare=False)

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


def now_datetime() -> datetime:
    """`now()` as an aware datetime, for the database's columns."""
    return datetime.fromtimestamp(now(), tz=UTC)


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


def login_limits(attempt: Attempt) -> Limits:
    """The sizes of the account's and the client's budgets of wrong answers: the adapter's `lockout_limits()`."""
    return get_adapter().lockout_limits(
        attempt.request, identifier=attempt.identifier, scenario=attempt.scenario, step=attempt.step
    )


def client_budget(attempt: Attempt, limits: Limits) -> Budget:
    """The client's budget of wrong answers, counted in the cache."""
    return Budget(f"ip:{client_key(attempt.client)}", limits.client)


def email_budgets(attempt: Attempt, *, recovery: bool) -> tuple[Budget, Budget]:
    """The address's and the client's budget of emails, sized by the adapter's `email_limits()`.

    Recovery emails (password reset) have budgets of their own, so that no other email
    uses up what the owner of an account needs to get back in.
    """
    limits = get_adapter().email_limits(
        attempt.request, identifier=attempt.identifier, scenario=attempt.scenario, step=attempt.step
    )
    kind = "reset-email" if recovery else "email"
    return (
        Budget(f"{kind}:{attempt.identifier_key}", limits.account),
        Budget(f"{kind}-ip:{client_key(attempt.client)}", limits.client),
    )


def check_allowed(attempt: Attempt) -> None:
    """Refuse `attempt` with LockedOut (429, `Retry-After`) before its answer is checked, when locked out.

    One query reads the account's lock and one cache read the client's. The answer is
    the same whether or not an account has the identifier.
    """
    limits = login_limits(attempt)
    record = AccountLockout.objects.filter(account_key=attempt.identifier_key).first()
    attempt.account_has_failures = record is not None
    waits = [account_wait(record, limits.account)] if record is not None else []
    deadline = cache.get(client_budget(attempt, limits).lock_key)
    if deadline is not None:
        waits.append(deadline - now())
    refuse_if_waiting(waits)


def account_wait(record: AccountLockout, limit: Limit) -> float:
    """Seconds until the account's lock ends (0 or less: not locked); a lock until reset says the longest lock."""
    if record.locked_until_reset:
        # Retry-After must be a number: the longest timed lock is the soonest a retry could make sense.
        return longest_cool_off(limit).total_seconds()
    if record.locked_until is None:
        return 0
    return record.locked_until.timestamp() - now()


def longest_cool_off(limit: Limit) -> timedelta:
    """The longest a timed lock of `limit` lasts: its `max_cool_off`, or its `cool_off` when locks do not grow."""
    return limit.max_cool_off if limit.max_cool_off is not None else limit.cool_off


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
    limits = login_limits(attempt)
    locks = {
        "account": count_account_failure(attempt.identifier_key, limits.account),
        "ip": lock_if_exhausted(client_budget(attempt, limits)),
    }
    for budget, lock in locks.items():
        if lock is None:
            continue
        logger.warning(
            "Locked out: %s for %s (scenario=%s account=%s client=%s)",
            budget,
            "until a password reset" if lock == UNTIL_RESET else f"{int(lock.total_seconds())}s",
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
            budget=budget,
        )


def count_account_failure(account_key: str, limit: Limit) -> timedelta | None:
    """Count one wrong answer for the account; the lock it took now (UNTIL_RESET, or its length), or None.

    The row is read and written under its lock (SELECT ... FOR UPDATE), so that
    parallel wrong answers are each counted once.
    """
    current = now_datetime()
    with transaction.atomic():
        record, _created = AccountLockout.objects.select_for_update().get_or_create(
            account_key=account_key, defaults={"window_started_at": current, "last_failure_at": current}
        )
        window_over = record.window_started_at + limit.window <= current
        if window_over and not record.locked_until_reset:
            record.failures, record.window_started_at = 0, current
        record.failures += 1
        record.last_failure_at = current
        lock = lock_earned(record.failures, limit)
        if lock == UNTIL_RESET:
            record.locked_until_reset = True
        elif lock is not None:
            # Never shortened: an answer counted while a longer lock holds leaves that lock as it is.
            ends = current + lock
            record.locked_until = ends if record.locked_until is None else max(record.locked_until, ends)
        record.save()
    return lock


def lock_earned(failures: int, limit: Limit) -> timedelta | None:
    """The lock that the `failures`-th wrong answer of a window earns: None, its length, or UNTIL_RESET.

    Every `threshold`-th failure locks, each lock twice as long as the one before, up to
    `max_cool_off`; the `max_failures`-th locks until a password reset.
    """
    if limit.max_failures is not None and failures >= limit.max_failures:
        return UNTIL_RESET
    if limit.threshold <= 0 or failures % limit.threshold:
        return None
    doublings = min(failures // limit.threshold - 1, MAX_DOUBLINGS)
    # In seconds: a long first lock doubled many times would overflow a timedelta.
    seconds = limit.cool_off.total_seconds() * 2.0**doublings
    return timedelta(seconds=min(seconds, longest_cool_off(limit).total_seconds()))


def record_success(attempt: Attempt) -> None:
    """Note a completed login: the account's count of failures starts again (the client's does not)."""
    if attempt.account_has_failures:
        AccountLockout.objects.filter(account_key=attempt.identifier_key).delete()
    logger.info(
        "Login succeeded: scenario=%s account=%s client=%s",
        attempt.scenario,
        attempt.identifier_key,
        attempt.client,
    )


def record_email(attempt: Attempt, *, recovery: bool = False) -> None:
    """Count an email to the address `attempt` names, against the address and the client; LockedOut past a cap.

    Called before the email is queued, so a refused request sends nothing. The cap is
    keyed on the submitted address, whether or not it has an account. `recovery` marks a
    password reset email, which is counted in budgets of its own.
    """
    budgets = email_budgets(attempt, recovery=recovery)
    deadlines = cache.get_many([budget.lock_key for budget in budgets])
    refuse_if_waiting([deadline - now() for deadline in deadlines.values()])
    for budget in budgets:
        if lock_if_exhausted(budget) is not None:
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
    AccountLockout.objects.filter(account_key=identifier_key(identifier)).delete()


def purge_account_lockouts() -> int:
    """Delete the counts whose window is over and whose lock has ended; how many were deleted.

    A lock until a reset stays until the reset (or staff) deletes it.
    """
    current = now_datetime()
    deleted, _by_model = (
        AccountLockout.objects.filter(
            last_failure_at__lt=current - gatehouse_settings.LOCKOUT_ACCOUNT_WINDOW,
            locked_until_reset=False,
        )
        .exclude(locked_until__gt=current)
        .delete()
    )
    return deleted


def refuse_if_waiting(waits: list[float]) -> None:
    """Raise LockedOut with the longest of `waits` (seconds until a lock ends) when any is still ahead."""
    ahead = [wait for wait in waits if wait > 0]
    if ahead:
        # Whole seconds, at least one: Retry-After takes an integer, and 0 would invite an immediate retry.
        raise LockedOut(wait=max(1, math.ceil(max(ahead))))


def lock_if_exhausted(budget: Budget) -> timedelta | None:
    """Count one event against the cached `budget`; lock it when the count reaches the threshold.

    The lock taken now, or None. The window starts at the first event (`add` sets the
    counter's lifetime) and the count restarts once a lock is taken, so that after a
    lock expires the budget is whole again. `add` also takes the lock: a lock that
    exists is never moved, so attempts during a lockout cannot extend it.
    """
    count = increment(budget.counter_key, budget.limit.window)
    if count < budget.limit.threshold:
        return None
    cool_off = budget.limit.cool_off.total_seconds()
    locked_now = cache.add(budget.lock_key, now() + cool_off, timeout=math.ceil(cool_off))
    cache.delete(budget.counter_key)
    return budget.limit.cool_off if locked_now else None


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
