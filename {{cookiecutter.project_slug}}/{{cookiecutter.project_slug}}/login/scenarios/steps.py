"""The built-in steps: an email and a password, an email alone, and a code sent by email."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext

from ...authn.conf import gatehouse_settings
from ...authn.errors import AccountInactive, CodeInvalid, InvalidCredentials, LockedOut
from ...users.managers import normalize_email
from .. import lockout
from ..accounts import account_by_email
from ..codes import check_code
from ..emails import queue_login_code
from .base import Step, StepContext
from .schemas import digits_schema, email_schema, object_schema, password_schema


class CredentialsStep(Step):
    """`credentials`: an email and its password.

    Every refusal costs one run of the password hasher, whether the address has no
    account, an account without a usable password, or a wrong password, so that
    neither the answer nor its timing tells whether an account exists. Only after a
    correct password does an inactive account hear `account_inactive`.
    """

    key = "credentials"
    errors = (InvalidCredentials, AccountInactive)

    def get_schema(self) -> dict[str, Any]:
        return object_schema(
            {"email": email_schema(), "password": password_schema(gatehouse_settings.PASSWORD_MAX_LENGTH)},
            title=gettext("Email and password"),
        )

    def identify(self, context: StepContext, data: dict[str, Any]) -> str | None:
        return normalize_email(data["email"])

    def handle(self, context: StepContext, data: dict[str, Any]) -> None:
        user = account_by_email(data["email"])
        if user is None or not user.has_usable_password():
            # Hash the submitted password as a real check would (as Django's ModelBackend does).
            make_password(data["password"])
            raise InvalidCredentials()
        if not user.check_password(data["password"]):
            raise InvalidCredentials()
        if not user.is_active:
            raise AccountInactive()
        context.bind(email=normalize_email(data["email"]), user=user)


class EmailRequestStep(Step):
    """`request`: the email address to send a code to.

    It accepts every well-formed address and binds the flow to it, with or without an
    account, so that its answer is the same either way; the code step that follows
    emails only an address that has an account.
    """

    key = "request"

    def get_schema(self) -> dict[str, Any]:
        return object_schema({"email": email_schema()}, title=gettext("Email"))

    def identify(self, context: StepContext, data: dict[str, Any]) -> str | None:
        return normalize_email(data["email"])

    def handle(self, context: StepContext, data: dict[str, Any]) -> None:
        user = account_by_email(data["email"])
        context.bind(email=normalize_email(data["email"]), user=user)


class EmailCodeStep(Step):
    """`verify`: the one-time code that was emailed when the flow reached this step.

    The flow's deadline is brought forward to the code's (EMAIL_CODE_TTL). A flow bound
    to an address without an account queues the email task too, which sends nothing,
    so every answer to it is refused in the same way and time as a wrong code.
    """

    key = "verify"
    # `enter()` counts the email against the address's budget (login/lockout.py).
    errors = (CodeInvalid, AccountInactive, LockedOut)

    def get_schema(self) -> dict[str, Any]:
        code = digits_schema(
            gatehouse_settings.EMAIL_CODE_LENGTH,
            title=gettext("Code"),
            description=gettext("The %(length)d-digit code emailed to the address.")
            % {"length": gatehouse_settings.EMAIL_CODE_LENGTH},
        )
        return object_schema({"code": code}, title=gettext("Code"))

    def enter(self, context: StepContext) -> None:
        flow = context.flow
        valid_for = gatehouse_settings.EMAIL_CODE_TTL
        flow.expire_within(valid_for)
        lockout.record_email(lockout.Attempt(context.request, flow.email, context.scenario.key, self.key))
        self.queue_code(context)

    def queue_code(self, context: StepContext) -> None:
        """Queue the email with the flow's code (drawn when it is sent) to the flow's account."""
        queue_login_code(user_id=context.flow.user_id, flow_id=context.flow.id)

    def handle(self, context: StepContext, data: dict[str, Any]) -> None:
        if not check_code(data["code"], flow_id=context.flow.id):
            raise CodeInvalid()
        user = context.user
        if user is None:
            raise CodeInvalid()
        if not user.is_active:
            raise AccountInactive()
