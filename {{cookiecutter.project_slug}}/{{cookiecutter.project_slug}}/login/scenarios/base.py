"""What a login scenario is: an ordered list of steps, each with a key, a JSON Schema and a handler.

A project adds a scenario by subclassing `Scenario` (and `Step` for steps of its own)
and naming the class in GATEHOUSE["LOGIN_SCENARIOS"]; `GET options/` lists the
enabled ones, in that order. Steps are stateless: everything a flow knows between two
requests is in its `Flow`, which a step reads and writes through its `StepContext`.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.functional import Promise
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from ...authn.conf import gatehouse_settings
from ...authn.errors import ScenarioNotFound
from ..accounts import account_by_id
from ..flows import Flow
from .schemas import with_flow

if TYPE_CHECKING:
    from ...users.models import User


@dataclass
class StepContext:
    """What a step handler works with: the request, its scenario, and the flow it advances."""

    request: Request
    scenario: Scenario
    flow: Flow
    # What a step looked up for this request and needs again in it (`identify()` then `handle()`); never stored.
    memo: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def user(self) -> User | None:
        """The account the flow is bound to, or None (not bound yet, or no account has the address).

        Read once per request: from the database when a step of an earlier request bound
        the flow, or as given to `bind()` by this request's step.
        """
        # One query even when there is no id (`IS NULL`): the cost never tells whether an account exists.
        return account_by_id(self.flow.user_id)

    def bind(self, *, email: str, user: User | None) -> None:
        """Tie the flow to `email` and its account (None when no account has it), as `Flow.bind` does.

        The step has just read the row: `user` keeps it, so that the rest of the request
        (the account check, issuing tokens, the answer) does not read it again.
        """
        self.flow.bind(email=email, user_id=str(user.pk) if user is not None else None)
        self.user = user


class Step(abc.ABC):
    """One step of a scenario: the input it asks for and how it checks that input.

    A handler raises an `AuthnError` to refuse: a `FactorRejected` subclass for a
    wrong answer (counted against the flow and reported to `login/lockout.py`), another one
    for anything else. When it accepts, it has bound the flow to its identity (the
    first step that names one) and stored in `context.flow.data` what later steps need.
    """

    # The step's name in answers (`next_step`) and in `options/`.
    key: ClassVar[str]

    @abc.abstractmethod
    def get_schema(self) -> dict[str, Any]:
        """The JSON Schema of the step's input, as `options/` publishes it and the server enforces it."""

    @abc.abstractmethod
    def handle(self, context: StepContext, data: dict[str, Any]) -> None:
        """Check `data` (already valid against the schema) against the flow; raise to refuse."""

    def enter(self, context: StepContext) -> dict[str, Any] | None:
        """Prepare the step when the flow reaches it, before its answer is asked for (send a code).

        What it returns is added to the `needs_step` answer, for a client that needs more than the
        schema to answer the step (the `authorization_url` of an OpenID Connect sign-in).
        """
        return None

    def client_options(self, context: StepContext) -> dict[str, Any] | None:
        """What a client needs to answer the step besides its schema, sent as `options` when the flow reaches it.

        None for most steps; a passkey step gives the WebAuthn request options (its challenge),
        which `enter()` has kept in the flow.
        """
        return None

    def identify(self, context: StepContext, data: dict[str, Any]) -> str | None:
        """The identifier (a normalized email) that attempts at this step count against.

        By default the identity the flow is bound to; a step that names the identity
        itself returns the one it was given.
        """
        return context.flow.email

    # The errors `handle()` and `enter()` may raise, for the OpenAPI schema of `login/<scenario>/`.
    errors: ClassVar[tuple[type[APIException], ...]] = ()


class Scenario:
    """A way to log in: an ordered list of steps, all of which must succeed, in order."""

    # The URL segment of `login/<key>/`: letters, digits, hyphens and underscores.
    key: ClassVar[str]
    # How clients name the scenario to people, such as "Email and password"; a `gettext_lazy` text is
    # shown in the language of the request.
    name: ClassVar[str | Promise]
    steps: ClassVar[Sequence[Step]]

    def first_step(self) -> Step:
        """The step that starts a flow."""
        return self.steps[0]

    def get_step(self, key: str) -> Step | None:
        """The step called `key`, or None."""
        return next((step for step in self.steps if step.key == key), None)

    def step_after(self, step: Step) -> Step | None:
        """The step that follows `step`, or None when `step` is the last."""
        position = [candidate.key for candidate in self.steps].index(step.key)
        return self.steps[position + 1] if position + 1 < len(self.steps) else None

    def later_fields(self) -> set[str]:
        """The input fields of every step but the first, which only a continued flow may send."""
        first = set(self.first_step().get_schema().get("properties", {}))
        later: set[str] = set()
        for step in self.steps[1:]:
            later.update(step.get_schema().get("properties", {}))
        return later - first

    def body_schema(self, step: Step) -> dict[str, Any]:
        """The JSON Schema of the body a client sends for `step`: its fields, and `flow` after the first step."""
        schema = step.get_schema()
        return schema if step.key == self.first_step().key else with_flow(schema)

    def describe(self) -> dict[str, Any]:
        """The scenario as `options/` lists it: each step with the schema of its body."""
        steps = [{"key": step.key, "schema": self.body_schema(step)} for step in self.steps]
        return {"key": self.key, "name": str(self.name), "steps": steps}


# Apps that offer scenarios made from their own settings (social: one per OpenID Connect provider)
# register a function returning those classes, from their AppConfig.ready(): the login app names no
# feature app, and `options/` lists them after GATEHOUSE["LOGIN_SCENARIOS"].
ScenarioSource = Callable[[], Sequence[type[Scenario]]]
SCENARIO_SOURCES: list[ScenarioSource] = []


def register_scenario_source(source: ScenarioSource) -> None:
    """Offer the scenarios `source()` returns, after those of GATEHOUSE["LOGIN_SCENARIOS"] (once per source)."""
    if source not in SCENARIO_SOURCES:
        SCENARIO_SOURCES.append(source)


def scenario_classes() -> list[type[Scenario]]:
    """The classes of every enabled scenario: GATEHOUSE["LOGIN_SCENARIOS"], then each registered source's."""
    return [*gatehouse_settings.LOGIN_SCENARIOS, *(cls for source in SCENARIO_SOURCES for cls in source())]


def enabled_scenarios() -> list[Scenario]:
    """The enabled scenarios, in order (see `scenario_classes`)."""
    return [scenario_class() for scenario_class in scenario_classes()]


def get_scenario(key: str) -> Scenario:
    """The enabled scenario called `key`; raises ScenarioNotFound."""
    for scenario in enabled_scenarios():
        if scenario.key == key:
            return scenario
    raise ScenarioNotFound()
