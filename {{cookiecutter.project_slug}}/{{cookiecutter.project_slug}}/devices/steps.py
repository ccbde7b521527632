"""The `device` step: an emailed code for a password login from a device the account does not know.

With GATEHOUSE["DEVICE_TRUST"] on, `DeviceTrustRequirement` (registered with
login/completion.py) asks it after the scenario's last step when the login proved only a
password: a scenario with a `CredentialsStep` and no emailed code, custom ones included. It
is not asked when another requirement's step was answered (the `mfa` step: a second factor
is the stronger proof), nor from a device the account completed a login on within
DEVICE_TRUST_MAX_AGE (devices/trust.py). Every completed login, whatever its scenario,
makes its device known to the account. The code's wrong answers count in the account's one
lockout budget, and its emails in the address's email budget, as the `verify` step's do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from ..authn.conf import gatehouse_settings
from ..login.completion import REQUIREMENTS, CompletionRequirement, answered
from ..login.emails import queue_login_code
from ..login.scenarios import Scenario, StepContext
from ..login.scenarios.schemas import object_schema
from ..login.scenarios.steps import CredentialsStep, EmailCodeStep
from . import trust

if TYPE_CHECKING:
    from rest_framework.response import Response

    from ..authn.tokens import TokenPair
    from ..users.models import User


class DeviceStep(EmailCodeStep):
    """`device`: the code emailed to the account because the login comes from a device it does not know."""

    key = "device"

    def get_schema(self) -> dict[str, Any]:
        schema = super().get_schema()
        return object_schema(schema["properties"], title=gettext("Code for a new device"))

    def queue_code(self, context: StepContext) -> None:
        # The email says why a code is asked for: the password was right, on a device the account does not know.
        queue_login_code(user_id=context.flow.user_id, flow_id=context.flow.id, new_device=True)


class DeviceTrustRequirement(CompletionRequirement):
    """A login that proved only a password, from a device the account does not know, answers `device`."""

    step = DeviceStep()

    def may_follow(self, scenario: Scenario) -> bool:
        """With device trust on, after a scenario that proves a password and emails no code."""
        steps = scenario.steps
        return (
            gatehouse_settings.DEVICE_TRUST
            and any(isinstance(step, CredentialsStep) for step in steps)
            and not any(isinstance(step, EmailCodeStep) for step in steps)
        )

    def applies(self, context: StepContext, user: User) -> bool:
        # Asked once every step of the scenario succeeded; a second factor answered instead is the stronger proof.
        if not self.may_follow(context.scenario):
            return False
        if any(answered(context, other) for other in REQUIREMENTS if other is not self):
            return False
        return not trust.is_known(user, context.request)

    def completed(self, context: StepContext, user: User, pair: TokenPair, response: Response) -> None:
        if gatehouse_settings.DEVICE_TRUST:
            trust.remember(context.request, user, pair.session_id, response)
