"""The `passkey` scenario: a login with a passkey alone, without an email (usernameless, discoverable).

Step `options` takes an empty body and answers `needs_step` with `next_step: "assertion"`
and the WebAuthn request options (a fresh challenge, kept in the flow's state); step
`assertion` takes `{"credential"}`, the JSON of the browser's PublicKeyCredential. The
passkey names its account, asks for user verification (a PIN or a biometric: two factors
in one), and the sign counter is checked and stored (mfa/passkeys.py). Since the passkey
is a second factor itself, the `mfa` step does not follow.

Offer it by listing `{{ cookiecutter.project_slug }}.mfa.scenarios.PasskeyScenario` in GATEHOUSE["LOGIN_SCENARIOS"].
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from ..authn.errors import PasskeyInvalid
from ..login.scenarios import Scenario, Step, StepContext
from ..login.scenarios.schemas import object_schema
from ..users.managers import normalize_email
from . import passkeys

# Where a flow keeps the challenge of its passkey step, and the mark that a passkey answered it.
CHALLENGE = "passkey_challenge"
SECOND_FACTOR_DONE = "second_factor_done"
# Bounds on what a credential's fields may hold: far above any real answer, far below a costly one.
MAX_FIELD_LENGTH = 16384


def credential_schema() -> dict[str, Any]:
    """The JSON of a PublicKeyCredential from `navigator.credentials.get()` (its `toJSON()`)."""
    text = {"type": "string", "minLength": 1, "maxLength": MAX_FIELD_LENGTH}
    return {
        "type": "object",
        "title": str(_("Passkey")),
        "description": str(_("The PublicKeyCredential of navigator.credentials.get(), as JSON (toJSON()).")),
        "properties": {
            "id": text,
            "rawId": text,
            "type": {"const": "public-key"},
            "response": {
                "type": "object",
                "properties": {
                    "clientDataJSON": text,
                    "authenticatorData": text,
                    "signature": text,
                    "userHandle": {"type": ["string", "null"], "maxLength": MAX_FIELD_LENGTH},
                },
                "required": ["clientDataJSON", "authenticatorData", "signature"],
            },
        },
        "required": ["id", "rawId", "type", "response"],
    }


def start_assertion(context: StepContext) -> None:
    """Keep a fresh challenge in the flow, for the request options of the step it reaches."""
    context.flow.data[CHALLENGE] = bytes_to_base64url(passkeys.new_challenge())


def assertion_options(context: StepContext) -> dict[str, Any]:
    """The request options of the flow's challenge."""
    return passkeys.authentication_options(base64url_to_bytes(context.flow.data[CHALLENGE]))


def asserted_passkey(context: StepContext, credential: dict[str, Any]) -> passkeys.Passkey | None:
    """The registered passkey the credential names, looked up once per request."""
    if "passkey" not in context.memo:
        context.memo["passkey"] = passkeys.credential_passkey(credential)
    passkey: passkeys.Passkey | None = context.memo["passkey"]
    return passkey


def check_assertion(context: StepContext, credential: dict[str, Any], *, require_user_verification: bool) -> None:
    """Verify the assertion against the flow's challenge, which it uses up; PasskeyInvalid when it is wrong."""
    challenge = context.flow.data.pop(CHALLENGE, None)
    if challenge is None:
        raise PasskeyInvalid()
    passkeys.verify_assertion(
        credential,
        base64url_to_bytes(challenge),
        passkey=asserted_passkey(context, credential),
        require_user_verification=require_user_verification,
    )
    context.flow.data[SECOND_FACTOR_DONE] = True


class PasskeyOptionsStep(Step):
    """`options`: an empty body; the answer carries the request options of a fresh challenge."""

    key = "options"

    def get_schema(self) -> dict[str, Any]:
        return object_schema({}, title=str(_("Passkey options")))

    def handle(self, context: StepContext, data: dict[str, Any]) -> None:
        """Nothing to check: the next step's `enter()` makes the challenge."""


class PasskeyAssertionStep(Step):
    """`assertion`: the passkey's answer to the flow's challenge; it names the account."""

    key = "assertion"
    errors = (PasskeyInvalid,)

    def get_schema(self) -> dict[str, Any]:
        return object_schema({"credential": credential_schema()}, title=str(_("Passkey")))

    def enter(self, context: StepContext) -> None:
        start_assertion(context)

    def client_options(self, context: StepContext) -> dict[str, Any] | None:
        return assertion_options(context)

    def identify(self, context: StepContext, data: dict[str, Any]) -> str | None:
        # The account the passkey belongs to: its wrong answers count in that account's budget. An unknown
        # credential is counted under its own id, as an unknown email is: never in a budget others share.
        passkey = asserted_passkey(context, data["credential"])
        if passkey is None:
            return f"passkey:{data['credential']['rawId']}"
        return normalize_email(passkey.user.get_username())

    def handle(self, context: StepContext, data: dict[str, Any]) -> None:
        credential = data["credential"]
        check_assertion(context, credential, require_user_verification=True)
        passkey = asserted_passkey(context, credential)
        if passkey is None:
            raise PasskeyInvalid()
        context.bind(email=normalize_email(passkey.user.get_username()), user=passkey.user)


class PasskeyScenario(Scenario):
    """`passkey`: a passkey alone, which names its account (usernameless)."""

    key = "passkey"
    name = "Passkey"
    steps = (PasskeyOptionsStep(), PasskeyAssertionStep())
