"""What a login must still prove after its scenario's last step: the requirements other apps register.

A scenario's steps prove who is logging in; an app that adds a factor (the `mfa` app, a project's
own) may ask more of some accounts before tokens are issued. It registers a `CompletionRequirement`
from its AppConfig.ready():

    from ..login.completion import register_requirement

    class SecondFactorConfig(AppConfig):
        def ready(self) -> None:
            register_requirement(SecondFactorRequirement())

After the last step of any scenario, custom ones included, the engine (login/engine.py) asks each
requirement, in the order they were registered, whether it applies to the flow's account; the first
that does and has not been answered yet becomes the flow's next step (`needs_step`), and tokens are
issued only once no requirement is left. The requirement's step is a `Step` like any other: its
wrong answers count against the flow and the account's one lockout budget. What `applies()` needs to
know of the account it can have loaded with the account's row (`account_annotations()`), so that
asking costs no query of its own. Once the tokens are issued, every requirement's `completed()`
sees the answer before it leaves (to remember the device the login came from, say), whether or not
its step was asked.

The login app knows nothing of the apps that register here: calls go from them to login, never back.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from rest_framework.response import Response

    from ..authn.tokens import TokenPair
    from ..users.models import User
    from .scenarios.base import Scenario, Step, StepContext


class CompletionRequirement(abc.ABC):
    """A step that some accounts answer after their scenario's steps, before their login completes."""

    @property
    @abc.abstractmethod
    def step(self) -> Step:
        """The step the account answers; its key must differ from every scenario's step keys."""

    def may_follow(self, scenario: Scenario) -> bool:
        """Whether the step may follow `scenario`'s at all, with the current settings (for the OpenAPI schema)."""
        return True

    @abc.abstractmethod
    def applies(self, context: StepContext, user: User) -> bool:
        """Whether `user`, whose scenario's steps all succeeded, must answer this requirement's step."""

    def account_annotations(self) -> dict[str, Any]:
        """Expressions that the login's read of the account loads with its row (login/accounts.py), by name.

        `applies()` then reads them as attributes of the user instead of querying; an
        account read otherwise lacks them, and `applies()` must then query itself.
        """
        return {}

    def completed(self, context: StepContext, user: User, pair: TokenPair, response: Response) -> None:  # noqa: B027
        """After every completed login, once `pair` is issued: may add to `response` (a cookie, a member).

        Does nothing unless a requirement needs it: an optional hook, not an abstract one.
        """


# Filled from AppConfig.ready() by the apps that add requirements, in the order they register.
REQUIREMENTS: list[CompletionRequirement] = []


def register_requirement(requirement: CompletionRequirement) -> None:
    """Ask every login that `requirement` applies to for its step, after the scenario's own steps."""
    key = requirement.step.key
    if any(existing.step.key == key for existing in REQUIREMENTS if existing is not requirement):
        raise ImproperlyConfigured(f"Two login completion requirements have a step called {key!r}.")
    if requirement not in REQUIREMENTS:
        REQUIREMENTS.append(requirement)


def completion_steps(scenario: Scenario | None = None) -> list[Step]:
    """The steps of every registered requirement, in order: what a flow of `scenario` (of any scenario, when
    None) may also ask for."""
    return [requirement.step for requirement in REQUIREMENTS if scenario is None or requirement.may_follow(scenario)]


def get_completion_step(key: str) -> Step | None:
    """The step of a registered requirement called `key`, or None."""
    return next((step for step in completion_steps() if step.key == key), None)


def answered(context: StepContext, requirement: CompletionRequirement) -> bool:
    """Whether the flow has answered the step of `requirement` (the step answered now included)."""
    return requirement.step.key in {*context.flow.completed_steps, context.flow.step}


def login_completed(context: StepContext, user: User, pair: TokenPair, response: Response) -> None:
    """Let every requirement see a completed login's answer before it leaves."""
    for requirement in REQUIREMENTS:
        requirement.completed(context, user, pair, response)


def pending_step(context: StepContext, user: User) -> Step | None:
    """The step of the first requirement that applies to `user` and that this flow has not answered yet."""
    for requirement in REQUIREMENTS:
        if not answered(context, requirement) and requirement.applies(context, user):
            return requirement.step
    return None
