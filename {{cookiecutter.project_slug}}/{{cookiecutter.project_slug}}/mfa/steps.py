"""The `mfa` step: what every login of a user with a second factor answers before its tokens are issued.

The mfa app registers `SecondFactorRequirement` with login/completion.py, so the step
follows the last step of every scenario, custom ones included, for the accounts it applies
to; for the others nothing changes. The step takes `{"code"}` (a TOTP code or a recovery
code) or `{"credential"}` (a passkey's assertion, to the challenge of the answer's
`options`). Its schema and options are the same for every account, so neither `options/`
nor the step tells which factors an account has. A wrong answer is a `FactorRejected`: it
counts against the flow and against the account's one lockout budget, with every other
factor's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from ..accounts.reauthentication import ReauthenticationFactor
from ..authn.errors import CodeInvalid, PasskeyChallengeExpired, PasskeyInvalid
from ..login.completion import CompletionRequirement
from ..login.scenarios import Step, StepContext
from ..login.scenarios.schemas import AUTOCOMPLETE, object_schema
from . import passkeys
from .factors import CODE_PATTERN, HAS_SECOND_FACTOR, SecondFactorExists, check_code, has_second_factor
from .scenarios import (
    SECOND_FACTOR_DONE,
    asserted_passkey,
    assertion_options,
    check_assertion,
    credential_schema,
    start_assertion,
)
from .serializers import CredentialField, StrictRegexField

if TYPE_CHECKING:
    from ..users.models import User

# The longest code: a recovery code with its hyphen.
CODE_MAX_LENGTH = 11


def code_schema() -> dict[str, Any]:
    """A TOTP code (six ASCII digits) or a recovery code (`xxxxx-xxxxx`, the hyphen optional)."""
    return {
        "type": "string",
        "title": str(_("Code")),
        "description": str(_("The 6-digit code of the authenticator app, or a recovery code.")),
        AUTOCOMPLETE: "one-time-code",
        "minLength": 6,
        "maxLength": CODE_MAX_LENGTH,
        "pattern": CODE_PATTERN,
        "writeOnly": True,
    }


class CodeField(StrictRegexField):
    """The `code` of `reauthenticate/`: the same strings as the `mfa` step's `code`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("write_only", True)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("help_text", _("A TOTP code or a recovery code, instead of the password."))
        super().__init__(CODE_PATTERN, min_length=6, max_length=CODE_MAX_LENGTH, **kwargs)


class ReauthenticationCredentialField(CredentialField):
    """The `credential` of `reauthenticate/`: a passkey's assertion, instead of the password."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("write_only", True)
        kwargs.setdefault(
            "help_text",
            _(
                "A passkey's answer (the PublicKeyCredential of navigator.credentials.get(), as JSON) to the "
                "options of mfa/passkeys/reauthenticate/options/, instead of the password."
            ),
        )
        super().__init__(**kwargs)


class SecondFactorStep(Step):
    """`mfa`: a TOTP code, a recovery code or a passkey of the account the flow's earlier steps proved."""

    key = "mfa"
    errors = (CodeInvalid, PasskeyInvalid)

    def get_schema(self) -> dict[str, Any]:
        schema = object_schema(
            {"code": code_schema(), "credential": credential_schema()}, title=str(_("Second factor"))
        )
        # One of the two: `required` lists neither, `oneOf` asks for exactly one.
        schema["required"] = []
        schema["oneOf"] = [{"required": ["code"]}, {"required": ["credential"]}]
        return schema

    def enter(self, context: StepContext) -> None:
        # Every account gets a challenge, whether or not it has a passkey.
        start_assertion(context)

    def client_options(self, context: StepContext) -> dict[str, Any] | None:
        return assertion_options(context)

    def handle(self, context: StepContext, data: dict[str, Any]) -> None:
        user = context.user
        if user is None:
            raise CodeInvalid()
        if "code" in data:
            check_code(context.request, user, data["code"])
            return
        passkey = asserted_passkey(context, data["credential"])
        if passkey is None or passkey.user_id != user.pk:
            raise PasskeyInvalid()
        check_assertion(context, data["credential"], require_user_verification=False)

    @classmethod
    def reauthentication_factors(cls) -> list[ReauthenticationFactor]:
        """`reauthenticate/` takes the same answers instead of the password: a `code`, or a passkey's
        `credential` answering the challenge of `mfa/passkeys/reauthenticate/options/`."""
        return [
            ReauthenticationFactor(
                field="code", serializer_field=CodeField, verify=verify_code, errors=(CodeInvalid,)
            ),
            ReauthenticationFactor(
                field="credential",
                serializer_field=ReauthenticationCredentialField,
                verify=verify_passkey,
                errors=(PasskeyInvalid, PasskeyChallengeExpired),
            ),
        ]


def verify_code(request: Request, user: User, code: Any) -> None:
    """Check the `code` of a reauthentication (a TOTP or recovery code of `user`)."""
    check_code(request, user, code)


def verify_passkey(request: Request, user: User, credential: Any) -> None:
    """Check the `credential` of a reauthentication: an assertion of a passkey of `user` to their challenge."""
    passkeys.reauthenticate(user, credential)


class SecondFactorRequirement(CompletionRequirement):
    """Every login of an account with a second factor ends with the `mfa` step, unless a passkey made it."""

    step = SecondFactorStep()

    def applies(self, context: StepContext, user: User) -> bool:
        if context.flow.data.get(SECOND_FACTOR_DONE):
            return False
        # Loaded with the account's row when the login read it (login/accounts.py): no query of its own.
        loaded = getattr(user, HAS_SECOND_FACTOR, None)
        return has_second_factor(user) if loaded is None else bool(loaded)

    def account_annotations(self) -> dict[str, Any]:
        return {HAS_SECOND_FACTOR: SecondFactorExists()}
