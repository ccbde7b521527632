"""The engine behind `POST login/<scenario>/`: one request runs one step of one flow.

Without a `flow` field the request starts a new flow at the scenario's first step;
with one, it continues the flow that the token names, at the step the flow waits
for. The body is checked against that step's schema, the step's handler checks the
answer against the flow, and the flow then either moves on (a new token, the next
step's schema) or, after the last step, is deleted and the login completed:
`complete_login()` is where every scenario ends, custom ones included. It has the
sessions app issue the tokens and the transport answer with them. Between the
scenario's last step and the tokens, the requirements that other apps registered
(login/completion.py, such as a second factor) add their steps to the flow.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ImproperlyConfigured
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from ..authn.errors import AccountInactive, AuthnError, FactorRejected, FlowInvalid, FlowRequired
from ..authn.serializers import LOGIN_NEEDS_STEP
from ..authn.signals import login_failed, login_started, login_succeeded, step_completed
from ..authn.transports.base import get_transport
from ..sessions.service import issue_tokens
from . import completion, lockout
from .flows import FlowStore
from .scenarios.base import Scenario, Step, StepContext
from .scenarios.schemas import FLOW_FIELD, validate_input

if TYPE_CHECKING:
    from ..users.models import User

logger = logging.getLogger(__name__)


class ScenarioRunner:
    """Runs the next step of a flow of `scenario` for one request."""

    def __init__(self, scenario: Scenario, request: Request, store: FlowStore | None = None) -> None:
        self.scenario = scenario
        self.request = request
        self.store = store or FlowStore()

    def run(self, body: object) -> Response:
        """Answer one request: `needs_step` with the next step, or the completed login."""
        token, data = split_flow(body)
        step: Step | None
        if token is None:
            self.refuse_later_step_without_flow(data)
            step = self.scenario.first_step()
            flow = self.store.start(scenario=self.scenario.key, step=step.key)
        else:
            flow = self.store.load(token, scenario=self.scenario.key)
            step = self.scenario.get_step(flow.step) or completion.get_completion_step(flow.step)
            if step is None:
                # The flow waits for a step its scenario no longer has (the scenario was changed).
                raise FlowInvalid()
        data = validate_input(step.get_schema(), data)
        context = StepContext(request=self.request, scenario=self.scenario, flow=flow)
        attempt = lockout.Attempt(self.request, step.identify(context, data), self.scenario.key, step.key)
        if not flow.stored:
            login_started.send(sender=type(self.scenario), request=self.request, scenario=self.scenario)
        next_step = self.scenario.step_after(step) if step in self.scenario.steps else None
        # Claimed before the answer is checked: a concurrent request answering the same step
        # (the same code posted twice) is refused as `flow_invalid` and counts no failure.
        self.store.claim_step(flow)
        try:
            self.check_answer(step, context, data, attempt, last=next_step is None)
        except BaseException:
            # A refused answer gives the step back: the flow may be answered again, until it is burnt.
            if flow.stored:
                self.store.release_step(flow)
            raise
        if next_step is None:
            # Checked by `check_answer`: the flow's account, read once, active.
            user = self.check_account(context)
            # What other apps still ask of this account (a second factor) before its tokens.
            next_step = completion.pending_step(context, user)
            if next_step is None:
                self.send_step_completed(context, step)
                return self.complete(context, user, attempt)
        flow.move_to(next_step.key)
        # What the client needs to answer the next step beyond its schema: members of the answer itself
        # (an authorization URL) from enter(), and `options` (a passkey step's request options).
        prompt = next_step.enter(context) or {}
        options = next_step.client_options(context)
        token = self.store.save(flow)
        self.send_step_completed(context, step)
        answer = {
            **prompt,
            "status": LOGIN_NEEDS_STEP,
            "flow": token,
            "next_step": next_step.key,
            "schema": self.scenario.body_schema(next_step),
            "expires_in": flow.expires_in,
        }
        if options is not None:
            answer["options"] = options
        return Response(answer)

    def check_answer(
        self, step: Step, context: StepContext, data: dict[str, Any], attempt: lockout.Attempt, *, last: bool
    ) -> None:
        """Check the step's answer and, after the `last` step, that its account may log in; report a refusal."""
        try:
            self.answer(step, context, data, attempt)
            if last:
                self.check_account(context)
        except AuthnError as error:
            if isinstance(error, AccountInactive):
                # The answers were right, but this account cannot log in: the flow has nowhere to go.
                self.store.delete(context.flow)
            login_failed.send(
                sender=type(self.scenario),
                request=self.request,
                scenario=self.scenario,
                step=step.key,
                code=error_code(error),
                user=context.user,
            )
            raise

    def answer(self, step: Step, context: StepContext, data: dict[str, Any], attempt: lockout.Attempt) -> None:
        """Have `step` check the answer; count it against the flow and report it when it is wrong."""
        lockout.check_allowed(attempt)
        # A flow that is not stored yet is at its first step: its answers are counted by
        # `attempts`, per account and client, as no flow exists to count them against.
        used = self.store.reserve_attempt(context.flow) if context.flow.stored else None
        rejected = False
        try:
            step.handle(context, data)
        except FactorRejected as error:
            rejected = True
            lockout.record_failure(attempt, error_code(error))
            if used is not None:
                self.store.burn_if_exhausted(context.flow, used)
            raise
        finally:
            if used is not None and not rejected:
                self.store.release_attempt(context.flow)

    def check_account(self, context: StepContext) -> User:
        """After the last step: the account the flow is bound to, which must be there and active.

        Built-in steps refuse an inactive account themselves; this holds for every
        scenario, custom ones included.
        """
        if context.user is None:
            raise ImproperlyConfigured(
                f"The last step of the {self.scenario.key!r} scenario succeeded without binding the flow to an account."
            )
        if not context.user.is_active:
            raise AccountInactive()
        return context.user

    def complete(self, context: StepContext, user: User, attempt: lockout.Attempt) -> Response:
        """End the flow and log `user` in: the flow's state is deleted before tokens are issued."""
        if context.flow.stored:
            self.store.delete(context.flow)
        response = complete_login(self.request, user, self.scenario.key, context=context)
        lockout.record_success(attempt)
        login_succeeded.send(sender=type(self.scenario), request=self.request, scenario=self.scenario, user=user)
        return response

    def refuse_later_step_without_flow(self, data: object) -> None:
        """A body that answers a later step but has no `flow` gets `flow_required`, not a schema error."""
        if not isinstance(data, dict):
            return
        first_fields = set(self.scenario.first_step().get_schema().get("properties", {}))
        if not first_fields.intersection(data) and self.scenario.later_fields().intersection(data):
            raise FlowRequired()

    def send_step_completed(self, context: StepContext, step: Step) -> None:
        """Tell receivers of `step_completed` that `step` succeeded."""
        step_completed.send(
            sender=type(self.scenario),
            request=self.request,
            scenario=self.scenario,
            step=step.key,
            user=context.user,
        )


def split_flow(body: object) -> tuple[object | None, object]:
    """Separate the `flow` token from the step's own fields; (None, body) when there is none."""
    if isinstance(body, dict) and FLOW_FIELD in body:
        data = dict(body)
        return data.pop(FLOW_FIELD), data
    return None, body


def error_code(error: APIException) -> str:
    """The code of an error, whether its detail names a field (`{attr: [detail]}`) or not."""
    codes: Any = error.get_codes()
    while isinstance(codes, dict | list):
        codes = next(iter(codes.values() if isinstance(codes, dict) else codes))
    return str(codes)


def complete_login(request: Request, user: User, scenario_key: str, *, context: StepContext | None = None) -> Response:
    """End a successful login: issue a fresh token pair for `user` and answer through the transport.

    Sends Django's `user_logged_in`, whose receiver updates `last_login`. The caller has
    already checked the user's credentials and that the account is active. With the flow's
    `context`, the completion requirements see the answer before it leaves.
    """
    pair = issue_tokens(user, request, scenario_key)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    logger.info("Login completed: user %s, scenario %s", user.pk, scenario_key)
    response = get_transport().login_response(request, user, pair)
    if context is not None:
        completion.login_completed(context, user, pair, response)
    return response
