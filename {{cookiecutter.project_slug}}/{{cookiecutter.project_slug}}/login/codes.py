"""One-time codes: drawn from `secrets`, kept only as a keyed hash, compared in constant time.

The task that emails a code draws it (`issue_code`), so the code never passes through
the web process, the broker or a log: it exists in the worker and the inbox only.
The cache keeps an HMAC keyed by SECRET_KEY and bound to the flow id, so a code is
worthless on any other flow, even of the same user, and the cache holds nothing that
gives the code away without the key. Issuing a new code for a flow replaces the old one.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

from .flows import FlowStore

HMAC_SALT = "authn.one-time-code"


def generate_code(length: int) -> str:
    """A code of `length` decimal digits, uniformly drawn (leading zeros included)."""
    return f"{secrets.randbelow(10**length):0{length}d}"


def hash_code(code: str, *, flow_id: str) -> str:
    """The value kept in place of `code` for the flow with this id."""
    return salted_hmac(HMAC_SALT, f"{flow_id}:{code}", algorithm="sha256").hexdigest()


def issue_code(*, flow_id: str, length: int, valid_for: timedelta) -> str:
    """Draw a new code for the flow, keep its hash for `valid_for` (replacing any earlier code), return it."""
    code = generate_code(length)
    cache.set(FlowStore.code_key(flow_id), hash_code(code, flow_id=flow_id), timeout=int(valid_for.total_seconds()))
    return code


def check_code(code: str, *, flow_id: str) -> bool:
    """Whether `code` is the flow's current code; the work is the same whether or not one was issued."""
    expected = cache.get(FlowStore.code_key(flow_id)) or ""
    return constant_time_compare(hash_code(code, flow_id=flow_id), expected)
