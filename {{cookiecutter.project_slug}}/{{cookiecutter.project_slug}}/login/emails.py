"""The login code email: drawn and sent inside the worker when its outbox row is sent.

The code never passes through the web process, the broker or a log: the row holds the
flow's id, and `login_code_email` draws the code (login/codes.py) as it builds the
email. A retry draws a new code, which replaces the one whose email may not have left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMultiAlternatives

from ..authn.conf import gatehouse_settings
from ..mail.messages import build_email, email_address, minutes
from ..mail.outbox import EmailKind, any_account, register_kind
from ..mail.tasks import Kind, queue_email
from .codes import issue_code

if TYPE_CHECKING:
    from ..users.models import User

FLOW_ID = "flow_id"
# The code confirms a login from a device the account does not know (devices/): the email says so.
NEW_DEVICE = "new_device"


def login_code_email(user: User, payload: dict[str, Any]) -> EmailMultiAlternatives:
    """The email that carries a new code for the flow of `payload`, to the address stored on the account."""
    valid_for = gatehouse_settings.EMAIL_CODE_TTL
    code = issue_code(flow_id=payload[FLOW_ID], length=gatehouse_settings.EMAIL_CODE_LENGTH, valid_for=valid_for)
    return build_email(
        "login/email/login_code",
        to=email_address(user),
        context={
            "user": user,
            "code": code,
            "valid_for_minutes": minutes(valid_for),
            "new_device": bool(payload.get(NEW_DEVICE)),
        },
    )


def register_email_kinds() -> None:
    """Tell the outbox how to build the login code email (LoginConfig.ready())."""
    # A code asked for longer ago than a code lives is of no use any more.
    register_kind(Kind.LOGIN_CODE, EmailKind(login_code_email, any_account, "EMAIL_CODE_TTL"))


def queue_login_code(*, user_id: Any, flow_id: str, new_device: bool = False) -> None:
    """Queue the login code email of the flow `flow_id` to the account `user_id` (None: no account, nothing sent).

    With `new_device`, the email says that the code confirms a login from a device the account does not know.
    """
    payload: dict[str, Any] = {FLOW_ID: flow_id}
    if new_device:
        payload[NEW_DEVICE] = True
    queue_email(Kind.LOGIN_CODE, user_id, **payload)
