"""Login flows: a scenario's state between two steps, kept in the cache, and the token that names it.

A flow is explicit data (`Flow`): its scenario, the step it waits for, the steps already
done, the one identity it is bound to, what its steps keep, and its deadline. It lives only in the cache shared by every web process, under a random
id of 256 bits.

The client holds a token signed with `django.core.signing` under its own salt. Signing
protects integrity, not secrecy, so the token carries nothing but the flow id, the
scenario and the step: no email, no code, no hash. The cache TTL, the flow's deadline
and the signature's `max_age` each enforce expiry, and a finished flow's state is
deleted, so a token whose signature is still good is refused all the same.
"""

from __future__ import annotations

import contextlib
import math
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.cache import cache

from ..authn.conf import gatehouse_settings
from ..authn.errors import FlowExpired, FlowInvalid, TooManyAttempts

# A purpose of its own: no other signed value (activation link, signed cookie) is ever a flow token.
FLOW_SALT = "authn.login-flow"
FLOW_ID_BYTES = 32
# Real tokens are about 150 characters; anything longer is not one and is refused unread.
MAX_TOKEN_LENGTH = 1024
TOKEN_FIELDS = frozenset({"id", "scenario", "step"})
CACHE_PREFIX = "authn:flow:"


@dataclass
class Flow:
    """The state of one login flow: the explicit stage it is at, and what its steps keep."""

    id: str
    scenario: str
    step: str
    expires_at: float
    completed_steps: list[str] = field(default_factory=list)
    # The identity the flow belongs to, fixed by the first step that names one. `email` is
    # the normalized address that was submitted; `user_id` is None when no account has it.
    email: str | None = None
    user_id: str | None = None
    # What steps keep between requests, by name.
    data: dict[str, Any] = field(default_factory=dict)
    # Whether the flow is in the cache: a first step's flow is not until it succeeds.
    stored: bool = field(default=False, compare=False)

    @property
    def expires_in(self) -> int:
        """Whole seconds left before the flow expires (0 when it has)."""
        return max(0, math.ceil(self.expires_at - time.time()))

    @property
    def is_bound(self) -> bool:
        """Whether a step has already named the identity this flow belongs to."""
        return self.email is not None

    def bind(self, *, email: str, user_id: str | None) -> None:
        """Tie the flow to one identity; a flow never changes hands once bound."""
        if self.is_bound and (self.email, self.user_id) != (email, user_id):
            raise FlowInvalid()
        self.email, self.user_id = email, user_id

    def expire_within(self, ttl: timedelta) -> None:
        """Bring the deadline forward to `ttl` from now, if that is sooner (an emailed code's lifetime)."""
        self.expires_at = min(self.expires_at, time.time() + ttl.total_seconds())

    def move_to(self, step: str) -> None:
        """Record the current step as done and wait for `step`."""
        self.completed_steps.append(self.step)
        self.step = step


class FlowStore:
    """Keeps flows in the shared cache, signs the tokens that name them, and counts wrong answers.

    Counting and claiming use the cache's atomic operations (`add`, `incr`), so that
    concurrent requests on one flow cannot answer more often than the limit allows,
    nor complete the same step twice.
    """

    def start(self, *, scenario: str, step: str) -> Flow:
        """A new flow of `scenario` waiting for `step`; it is stored only once `save()` is called."""
        ttl = gatehouse_settings.FLOW_TTL.total_seconds()
        return Flow(
            id=secrets.token_urlsafe(FLOW_ID_BYTES),
            scenario=scenario,
            step=step,
            expires_at=time.time() + ttl,
        )

    def save(self, flow: Flow) -> str:
        """Store `flow` until its deadline and return the signed token that names its current step."""
        timeout = flow.expires_in
        if timeout <= 0:
            raise FlowExpired()
        state = asdict(flow)
        del state["stored"]
        cache.set(self.state_key(flow.id), state, timeout=timeout)
        flow.stored = True
        return signing.dumps({"id": flow.id, "scenario": flow.scenario, "step": flow.step}, salt=FLOW_SALT)

    def load(self, token: object, *, scenario: str) -> Flow:
        """The flow that `token` names, if it belongs to `scenario` and waits for the step it names.

        Raises FlowInvalid for anything that is not a current token of this scenario,
        and FlowExpired when the signature is too old or the state is gone.
        """
        payload = self.unsign(token)
        if payload["scenario"] != scenario:
            raise FlowInvalid()
        state = cache.get(self.state_key(payload["id"]))
        if state is None:
            raise FlowExpired()
        try:
            flow = Flow(**state, stored=True)
        except TypeError:
            # State written by an older release of this code: the user starts again.
            raise FlowExpired() from None
        if flow.expires_in <= 0:
            self.delete(flow)
            raise FlowExpired()
        # A token of an earlier step (a replay) names a step the flow has moved past.
        if flow.scenario != scenario or flow.step != payload["step"]:
            raise FlowInvalid()
        return flow

    def unsign(self, token: object) -> dict[str, str]:
        """The payload of a flow token, checked for shape; raises FlowInvalid or FlowExpired."""
        # Only short ASCII strings reach the signer: other values would fail inside it.
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise FlowInvalid()
        try:
            payload = signing.loads(token, salt=FLOW_SALT, max_age=gatehouse_settings.FLOW_TTL)
        except signing.SignatureExpired:
            raise FlowExpired() from None
        except signing.BadSignature:
            raise FlowInvalid() from None
        if (
            not isinstance(payload, dict)
            or set(payload) != TOKEN_FIELDS
            or not all(isinstance(value, str) for value in payload.values())
        ):
            raise FlowInvalid()
        return payload

    def claim_step(self, flow: Flow) -> None:
        """Take the flow's current step before its answer is checked; a concurrent second claim gets FlowInvalid.

        One answer at a time per step: of two requests racing with the same right code,
        one completes the step and the other is refused without its answer being looked
        at, so it counts no failure. A first step's flow is not stored: each request
        starts a flow of its own, and there is nothing to share.
        """
        if flow.stored and not cache.add(self.claim_key(flow), True, timeout=max(1, flow.expires_in)):
            raise FlowInvalid()

    def release_step(self, flow: Flow) -> None:
        """Give the claimed step back after its answer was refused, so that the flow may be answered again."""
        cache.delete(self.claim_key(flow))

    def reserve_attempt(self, flow: Flow) -> int:
        """Count an answer before it is checked, and return how many the flow has had.

        Counting first means that a burst of concurrent answers cannot have more of them
        checked than the limit: each one takes a number, and those past the limit are
        refused without being looked at. A right answer gives its number back.
        """
        key = self.attempts_key(flow)
        cache.add(key, 0, timeout=max(1, flow.expires_in))
        try:
            used = cache.incr(key)
        except ValueError:
            # The counter expired between `add` and `incr`: so did the flow.
            raise FlowExpired() from None
        if used > gatehouse_settings.FLOW_MAX_FAILED_ATTEMPTS:
            self.delete(flow)
            raise TooManyAttempts()
        return used

    def release_attempt(self, flow: Flow) -> None:
        """Give back the number a right answer took, so that only wrong answers count."""
        # A missing counter went with its flow: there is nothing to give back.
        with contextlib.suppress(ValueError):
            cache.decr(self.attempts_key(flow))

    def burn_if_exhausted(self, flow: Flow, used: int) -> None:
        """After a wrong answer: when it was the last one allowed, delete the flow and say so."""
        if used >= gatehouse_settings.FLOW_MAX_FAILED_ATTEMPTS:
            self.delete(flow)
            raise TooManyAttempts()

    def delete(self, flow: Flow) -> None:
        """Forget the flow: its token is refused from now on, however valid its signature."""
        # The claim of its current step stays until it expires: a request that loaded the
        # flow just before it was deleted is refused at the claim, before its answer is checked.
        cache.delete_many([self.state_key(flow.id), self.attempts_key(flow), self.code_key(flow.id)])
        flow.stored = False

    @staticmethod
    def state_key(flow_id: str) -> str:
        """The cache key of a flow's state."""
        return f"{CACHE_PREFIX}{flow_id}"

    @staticmethod
    def attempts_key(flow: Flow) -> str:
        """The cache key of a flow's answer counter."""
        return f"{CACHE_PREFIX}{flow.id}:attempts"

    @staticmethod
    def code_key(flow_id: str) -> str:
        """The cache key of the hash of the code emailed for a flow (written by the task that sends it)."""
        return f"{CACHE_PREFIX}{flow_id}:code"

    @staticmethod
    def claim_key(flow: Flow) -> str:
        """The cache key that marks the flow's current step as completed."""
        return f"{CACHE_PREFIX}{flow.id}:done:{flow.step}"
