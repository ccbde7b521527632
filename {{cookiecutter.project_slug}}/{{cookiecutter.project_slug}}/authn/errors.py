"""Every failure of the authn app as a stable, machine-readable code, defined once.

Views raise these exceptions; the API's exception handler renders them in the error
shape of the API contract. Tests and docs refer to the codes by these constants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

# Codes (the `code` of an error entry).
INVALID_CREDENTIALS = "invalid_credentials"
ACCOUNT_INACTIVE = "account_inactive"
FLOW_INVALID = "flow_invalid"
FLOW_EXPIRED = "flow_expired"
FLOW_REQUIRED = "flow_required"
CODE_INVALID = "code_invalid"
SCENARIO_NOT_FOUND = "scenario_not_found"
TOKEN_NOT_VALID = "token_not_valid"  # noqa: S105 (an error code, not a secret)
NOT_AUTHENTICATED = "not_authenticated"
TOO_MANY_ATTEMPTS = "too_many_attempts"
LOCKED_OUT = "locked_out"
REGISTRATION_CLOSED = "registration_closed"
ACTIVATION_LINK_INVALID = "activation_link_invalid"
PASSWORD_RESET_LINK_INVALID = "password_reset_link_invalid"  # noqa: S105 (an error code, not a secret)
EMAIL_CHANGE_LINK_INVALID = "email_change_link_invalid"
PASSWORD_INCORRECT = "password_incorrect"  # noqa: S105 (an error code, not a secret)
CSRF_FAILED = "csrf_failed"
SESSION_NOT_FOUND = "session_not_found"
REAUTHENTICATION_REQUIRED = "reauthentication_required"
# A validation error of an `email` field: the address is malformed or has no canonical form
# (users/managers.py `normalize_email()`), whether or not an account has it.
EMAIL_INVALID = "email_invalid"
# Social login (the social app, with use_social_login).
REDIRECT_URI_NOT_ALLOWED = "redirect_uri_not_allowed"
OIDC_STATE_INVALID = "oidc_state_invalid"
OIDC_CODE_INVALID = "oidc_code_invalid"
ID_TOKEN_INVALID = "id_token_invalid"  # noqa: S105 (an error code, not a secret)
PROVIDER_UNAVAILABLE = "provider_unavailable"
PROVIDER_ERROR = "provider_error"
PROVIDER_EMAIL_MISSING = "provider_email_missing"
EMAIL_ALREADY_REGISTERED = "email_already_registered"
IDENTITY_NOT_FOUND = "identity_not_found"
LAST_LOGIN_METHOD = "last_login_method"


class AuthnError(exceptions.APIException):
    """Base of the authn app's errors: subclasses set status, code and message."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "error"
    # A text, or a lazy translation (`gettext_lazy`) that follows the request's language.
    default_detail: str | StrPromise = _("The request could not be completed.")
    # The field the error is about, rendered as `attr` (None for the request as a whole).
    attr: str | None = None

    def __init__(self, detail: str | None = None, code: str | None = None) -> None:
        super().__init__(detail, code)
        if self.attr is not None:
            # drf-standardized-errors renders the key of a dict detail as the entry's `attr`.
            self.detail = {self.attr: [self.detail]}


class TokenNotValid(AuthnError, exceptions.AuthenticationFailed):
    """A JWT that is malformed, wrongly signed, expired, of the wrong type, revoked, or whose user is gone.

    A subclass of DRF's AuthenticationFailed, so that the answer is a 401 with a
    `WWW-Authenticate` header.
    """

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = TOKEN_NOT_VALID
    default_detail = _("The token is invalid or expired.")


class ReauthenticationRequired(AuthnError, exceptions.AuthenticationFailed):
    """A sensitive action with an access token whose login (`auth_time`) is older than REAUTHENTICATION_MAX_AGE.

    The client asks for the password again (`POST reauthenticate/`) and retries with
    the fresh token. A 401 as TokenNotValid is, with a code of its own, so that a client
    does not take it for an expired token and refresh instead.
    """

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = REAUTHENTICATION_REQUIRED
    default_detail = _("Confirm your password to continue.")


class CsrfFailed(AuthnError):
    """A request that a cookie authenticates (or that would set auth cookies) failed Django's CSRF check.

    The same code as the CSRF failure view of non-DRF views (CSRF_FAILURE_VIEW).
    """

    status_code = status.HTTP_403_FORBIDDEN
    default_code = CSRF_FAILED
    default_detail = _("CSRF verification failed.")


# Scenario login (views/login.py, scenarios/, flows.py).


class ScenarioNotFound(AuthnError):
    """`login/<scenario>/` names no scenario enabled in GATEHOUSE["LOGIN_SCENARIOS"]."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = SCENARIO_NOT_FOUND
    default_detail = _("There is no such login scenario.")


class FactorRejected(AuthnError):
    """A wrong answer to a step (a password, a code): counted against the flow and reported
    to `login/lockout.py`. Custom steps subclass it for their own wrong answers."""

    status_code = status.HTTP_401_UNAUTHORIZED


class InvalidCredentials(FactorRejected):
    """The email and password do not match an account (or match none: the answer is the same)."""

    default_code = INVALID_CREDENTIALS
    default_detail = _("The email address or password is incorrect.")


class CodeInvalid(FactorRejected):
    """The one-time code is not the one this flow sent."""

    default_code = CODE_INVALID
    default_detail = _("The code is incorrect.")
    attr = "code"


class AccountInactive(AuthnError):
    """The factors were right but the account is not active; said only after a correct answer."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = ACCOUNT_INACTIVE
    default_detail = _("This account is not active.")


class FlowRequired(AuthnError):
    """A later step's fields were sent without the `flow` token that the previous step returned."""

    default_code = FLOW_REQUIRED
    default_detail = _("This step continues a login flow: send the flow token from the previous answer.")
    attr = "flow"


class FlowInvalid(AuthnError):
    """The flow token is malformed, tampered with, of another scenario, or for another step."""

    default_code = FLOW_INVALID
    default_detail = _("The login flow is invalid; start again.")
    attr = "flow"


class FlowExpired(AuthnError):
    """The flow is past its lifetime, or over: completed, burnt, or evicted from the cache."""

    default_code = FLOW_EXPIRED
    default_detail = _("The login flow has expired or is over; start again.")
    attr = "flow"


class TooManyAttempts(AuthnError):
    """The flow reached GATEHOUSE["FLOW_MAX_FAILED_ATTEMPTS"] wrong answers and is burnt."""

    default_code = TOO_MANY_ATTEMPTS
    default_detail = _("Too many wrong answers; start again.")
    attr = "flow"


class LockedOut(AuthnError):
    """The account or the client is locked out after too many wrong answers, or has had its share of emails.

    Raised by login/lockout.py before an answer is checked. `wait` is the number of seconds
    until the lock expires; the API's exception handler sends it as `Retry-After`. The
    answer is the same whether or not an account has the identifier.
    """

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = LOCKED_OUT
    default_detail = _("Too many attempts; try again later.")

    def __init__(self, wait: int, detail: str | None = None) -> None:
        super().__init__(detail)
        self.wait = wait


# What `POST login/<scenario>/` may answer whatever its scenario's steps (login/engine.py); each step
# adds its own errors (`Step.errors`). The OpenAPI schema lists them (api/openapi.py).
LOGIN_FLOW_ERRORS: tuple[type[AuthnError], ...] = (
    ScenarioNotFound,
    FlowRequired,
    FlowInvalid,
    FlowExpired,
    TooManyAttempts,
    LockedOut,
    AccountInactive,
)


# Accounts (accounts/views.py, registration.py, passwords.py).


class RegistrationClosed(AuthnError):
    """The adapter's `is_open_for_registration` refused to register this address (GATEHOUSE["ADAPTER"])."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = REGISTRATION_CLOSED
    default_detail = _("Registration is not open to this address.")


class ActivationLinkInvalid(AuthnError):
    """The activation link is malformed, wrong, used, expired, or its account cannot be activated."""

    default_code = ACTIVATION_LINK_INVALID
    default_detail = _("The activation link is invalid or has expired.")


class PasswordResetLinkInvalid(AuthnError):
    """The password reset link is malformed, wrong, used, expired, or its account is inactive."""

    default_code = PASSWORD_RESET_LINK_INVALID
    default_detail = _("The password reset link is invalid or has expired.")


class PasswordIncorrect(AuthnError):
    """`password/change/` was sent a wrong current password."""

    default_code = PASSWORD_INCORRECT
    default_detail = _("The current password is incorrect.")
    attr = "old_password"


# Sessions (sessions/views.py).


class SessionNotFound(AuthnError):
    """`sessions/<id>/` names no live session of the authenticated user (another user's included)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = SESSION_NOT_FOUND
    default_detail = _("There is no such session.")


class EmailChangeLinkInvalid(AuthnError):
    """The email change link is malformed, wrong, used, expired, superseded, or its address was taken meanwhile."""

    default_code = EMAIL_CHANGE_LINK_INVALID
    default_detail = _("The email change link is invalid or has expired.")


# Social login (social/, with use_social_login): the scenarios `oidc-<key>` and the identities endpoints.


class RedirectUriNotAllowed(AuthnError):
    """The `redirect_uri` of a `start` step is not one of GATEHOUSE["OIDC_ALLOWED_REDIRECT_URIS"]."""

    default_code = REDIRECT_URI_NOT_ALLOWED
    default_detail = _("This redirect URI is not allowed.")
    attr = "redirect_uri"


class StateInvalid(AuthnError):
    """The `state` of a `callback` step is not the one its flow sent to the provider (a forged or mixed-up answer)."""

    default_code = OIDC_STATE_INVALID
    default_detail = _("The sign-in answer does not belong to this login; start again.")
    attr = "state"


class AuthorizationCodeInvalid(AuthnError):
    """The provider refused the code: used already, expired, or issued for another flow."""

    default_code = OIDC_CODE_INVALID
    default_detail = _("The sign-in code is invalid, expired or used; start again.")
    attr = "code"


class IdTokenInvalid(AuthnError):
    """The provider's ID token failed verification (signature, issuer, audience, nonce, times)."""

    default_code = ID_TOKEN_INVALID
    default_detail = _("The provider's answer could not be verified; start again.")


class ProviderEmailMissing(AuthnError):
    """The provider gave no email address for an identity linked to no account: no account can be made for it."""

    default_code = PROVIDER_EMAIL_MISSING
    default_detail = _("The provider did not share an email address; allow it to, or sign in another way.")


class EmailAlreadyRegistered(AuthnError):
    """The provider's email belongs to an account that this identity may not sign in to (the email is not
    verified by the provider, or linking by email is off): never a second account for one address."""

    status_code = status.HTTP_409_CONFLICT
    default_code = EMAIL_ALREADY_REGISTERED
    default_detail = _(
        "An account already has this email address. Sign in to it another way, then link this provider."
    )


class ProviderUnavailable(AuthnError):
    """The provider did not answer, or not in time, or not with what OpenID Connect says it must."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = PROVIDER_UNAVAILABLE
    default_detail = _("The sign-in provider is unavailable; try again shortly.")


class ProviderError(AuthnError):
    """The provider refused the token request for a reason other than the code (this client's credentials)."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = PROVIDER_ERROR
    default_detail = _("The sign-in provider refused the request.")


class IdentityNotFound(AuthnError):
    """`identities/<id>/` names no identity of the authenticated user (another user's included)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = IDENTITY_NOT_FOUND
    default_detail = _("There is no such linked identity.")


class LastLoginMethod(AuthnError):
    """Unlinking this identity would leave the account no way in: no usable password and no other identity."""

    status_code = status.HTTP_409_CONFLICT
    default_code = LAST_LOGIN_METHOD
    default_detail = _("This is your only way to sign in: set a password or link another provider first.")


# Second factors (mfa/, and the routes a client service proxies to it).
TOTP_ALREADY_ENABLED = "totp_already_enabled"
TOTP_SETUP_REQUIRED = "totp_setup_required"
TOTP_NOT_ENABLED = "totp_not_enabled"
SECOND_FACTOR_REQUIRED = "second_factor_required"
PASSKEY_NOT_FOUND = "passkey_not_found"
PASSKEY_INVALID = "passkey_invalid"
PASSKEY_CHALLENGE_EXPIRED = "passkey_challenge_expired"


class TotpAlreadyEnabled(AuthnError):
    """`totp/setup/` for a user whose TOTP is on: disable it first."""

    status_code = status.HTTP_409_CONFLICT
    default_code = TOTP_ALREADY_ENABLED
    default_detail = _("TOTP is already on; disable it before setting it up again.")


class TotpSetupRequired(AuthnError):
    """`totp/confirm/` without a pending setup."""

    default_code = TOTP_SETUP_REQUIRED
    default_detail = _("Set up TOTP first (totp/setup/).")


class ConfirmationCodeInvalid(AuthnError):
    """`totp/confirm/` with a code the new secret does not give: the setup stays pending."""

    default_code = CODE_INVALID
    default_detail = _("The code is incorrect.")
    attr = "code"


class TotpNotEnabled(AuthnError):
    """`totp/disable/` for a user whose TOTP is off."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = TOTP_NOT_ENABLED
    default_detail = _("TOTP is not on.")


class SecondFactorRequired(AuthnError):
    """`recovery-codes/` for a user without a second factor: recovery codes stand in for one."""

    default_code = SECOND_FACTOR_REQUIRED
    default_detail = _("Turn on a second factor first.")


class PasskeyNotFound(AuthnError):
    """`passkeys/<id>/` names no passkey of the authenticated user (another user's included)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = PASSKEY_NOT_FOUND
    default_detail = _("There is no such passkey.")


class PasskeyInvalid(FactorRejected):
    """A passkey answer that does not verify: another origin or challenge, an unknown credential, a bad
    signature, or a sign counter that did not grow. Counted like any wrong answer."""

    default_code = PASSKEY_INVALID
    default_detail = _("The passkey could not be verified.")
    attr = "credential"


class PasskeyRegistrationInvalid(AuthnError):
    """A registration answer that does not verify (another origin or challenge, a malformed attestation), or
    of a credential already registered."""

    default_code = PASSKEY_INVALID
    default_detail = _("The passkey could not be verified.")
    attr = "credential"


class PasskeyChallengeExpired(AuthnError):
    """A passkey answer to `passkeys/register/` or `reauthenticate/` whose challenge (of the matching
    `options/` endpoint) expired or was used."""

    default_code = PASSKEY_CHALLENGE_EXPIRED
    default_detail = _("The passkey request has expired; ask for new options and start again.")
    attr = "credential"
