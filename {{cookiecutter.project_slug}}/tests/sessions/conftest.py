"""Fixtures of the sessions tests: a clock that stands still until a test moves it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone


class FrozenClock:
    """The time Django reads (`timezone.now()`, and so `auto_now_add` fields), stopped.

    It starts at the real time and moves only by `advance()`, so that a test can put a
    request just inside or just past a time limit that sessions/service.py measures, such
    as REFRESH_REUSE_GRACE. Tokens keep the real time for `iat` and `exp` (simplejwt's
    clock, and PyJWT's, which refuses an `iat` in the future), so a test moves the
    clock by less than their lifetimes.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now: datetime = timezone.now()
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def advance(self, delta: timedelta) -> None:
        """Move the clock `delta` ahead."""
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """The frozen clock of this test (FrozenClock)."""
    return FrozenClock(monkeypatch)
