"""The auth service's endpoints that browsers use, each proxied at the same path (remote/proxy.py).

The table mirrors the routes of the auth service's login/, sessions/, accounts/ and
social/ apps. A client service cannot know which of them its auth service serves (whether it
has registration is the auth service's answer, not this project's), so it proxies them
all: one the auth service does not serve answers 404 `not_found`, in our error shape
like every upstream error. A project whose auth service has no registration takes those
routes out of its routes and schema with GATEHOUSE["ENABLED_ENDPOINTS"], by the URL
names below. Adding an endpoint of the auth service here is one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions
from rest_framework.exceptions import APIException

from ..authn.errors import (
    LOGIN_FLOW_ERRORS,
    ActivationLinkInvalid,
    AuthorizationCodeInvalid,
    CodeInvalid,
    {%- if cookiecutter.use_mfa == "y" %}
    ConfirmationCodeInvalid,
    {%- endif %}
    EmailAlreadyRegistered,
    EmailChangeLinkInvalid,
    IdentityNotFound,
    IdTokenInvalid,
    InvalidCredentials,
    LastLoginMethod,
    LockedOut,
    {%- if cookiecutter.use_mfa == "y" %}
    PasskeyChallengeExpired,
    PasskeyInvalid,
    PasskeyNotFound,
    PasskeyRegistrationInvalid,
    {%- endif %}
    PasswordIncorrect,
    PasswordResetLinkInvalid,
    ProviderEmailMissing,
    ReauthenticationRequired,
    RedirectUriNotAllowed,
    RegistrationClosed,
    {%- if cookiecutter.use_mfa == "y" %}
    SecondFactorRequired,
    {%- endif %}
    SessionNotFound,
    StateInvalid,
    TokenNotValid,
    {%- if cookiecutter.use_mfa == "y" %}
    TotpAlreadyEnabled,
    TotpNotEnabled,
    TotpSetupRequired,
    {%- endif %}
)
from ..authn.serializers import LoginOptionsSerializer
from . import schemas


@dataclass(frozen=True)
class ProxiedRoute:
    """One endpoint of the auth service: where it is, how it is called, and what the schema says of it."""

    # The route under /api/auth/, the same on both services, in Django's path syntax.
    path: str
    # Its URL name (GATEHOUSE["ENABLED_ENDPOINTS"] and `reverse("remote:<name>")`), as on the auth service.
    name: str
    # The one HTTP method it takes, in lower case.
    method: str
    # Whether it needs the user: then the request is authenticated here before it is passed on.
    authenticated: bool
    # The schema: the body (None: none), the answers by status (the proxy adds its 502 and 503), a description.
    request: Any
    responses: dict[int, Any]
    description: str
    # What the auth service answers besides its success, for the schema (remote/proxy.py proxied_errors);
    # what the client's own authentication answers is added by the schema generator.
    errors: tuple[type[APIException], ...] = ()

    @property
    def view_name(self) -> str:
        """The name of the view class made for it: `PasswordResetConfirm` for `password-reset-confirm`."""
        return "".join(part.capitalize() for part in self.name.split("-"))


PROXIED_ROUTES: tuple[ProxiedRoute, ...] = (
    # Scenario login (login/urls.py of the auth service).
    ProxiedRoute(
        "options/",
        "options",
        "get",
        authenticated=False,
        request=None,
        responses={200: LoginOptionsSerializer},
        description="The enabled login scenarios, in order, with the JSON Schema of each step.",
    ),
    ProxiedRoute(
        "login/<slug:scenario>/",
        "login",
        "post",
        authenticated=False,
        request=OpenApiTypes.OBJECT,
        responses={200: schemas.LOGIN_ANSWER},
        description="The body is the current step's fields (see `options/`), plus `flow` after the first step. "
        "When tokens travel in cookies, every step needs the `X-CSRFToken` header (the token of `GET csrf/`) and "
        "a same-site or trusted Origin, or it is refused with 403 `csrf_failed`. When the client may choose, "
        "`Prefer: token-transport=body` asks for the tokens in the body instead of cookies.",
        # With social login on the auth service, its `oidc-<key>` scenarios' refusals too (a provider's 502 and
        # 503 become the proxy's own 502).
        errors=(
            *LOGIN_FLOW_ERRORS,
            InvalidCredentials,
            CodeInvalid,
            RedirectUriNotAllowed,
            StateInvalid,
            AuthorizationCodeInvalid,
            IdTokenInvalid,
            ProviderEmailMissing,
            EmailAlreadyRegistered,
            RegistrationClosed,
            {%- if cookiecutter.use_mfa == "y" %}
            PasskeyInvalid,
            {%- endif %}
        ),
    ),
    # Sessions (sessions/urls.py).
    ProxiedRoute(
        "token/refresh/",
        "token-refresh",
        "post",
        authenticated=False,
        request=schemas.REFRESH_REQUEST,
        responses={200: schemas.REFRESH_ANSWER},
        description="Exchange a refresh token for a new access token and a new refresh token; "
        "the refresh token presented is refused from then on.",
        errors=(TokenNotValid, exceptions.NotAuthenticated),
    ),
    ProxiedRoute(
        "logout/",
        "logout",
        "post",
        authenticated=False,
        request=schemas.REFRESH_REQUEST,
        responses={204: OpenApiResponse(description="Logged out.")},
        description="End one session: blacklist its refresh token.",
        errors=(TokenNotValid, exceptions.NotAuthenticated),
    ),
    ProxiedRoute(
        "logout/all/",
        "logout-all",
        "post",
        authenticated=True,
        request=None,
        responses={204: OpenApiResponse(description="Every session ended.")},
        description="End every session of the authenticated user: all their refresh tokens are refused from now on.",
    ),
    ProxiedRoute(
        "sessions/",
        "sessions",
        "get",
        authenticated=True,
        request=None,
        responses={200: schemas.SessionListSerializer},
        description="The authenticated user's live sessions (one per login), newest first; "
        "`current` marks the request's own.",
    ),
    ProxiedRoute(
        "sessions/<str:session_id>/",
        "session",
        "delete",
        authenticated=True,
        request=None,
        responses={204: OpenApiResponse(description="The session is ended.")},
        description="End one session of the authenticated user: its refresh token is refused from then on. "
        "Ending another than the request's own needs a recent authentication.",
        errors=(SessionNotFound, ReauthenticationRequired),
    ),
    # Accounts (accounts/urls.py).
    ProxiedRoute(
        "register/",
        "register",
        "post",
        authenticated=False,
        request=schemas.RegisterSerializer,
        responses={201: schemas.EMPTY},
        description="Register an account, inactive until the link emailed to it is used. An address that already "
        "has an account gets the same answer, and its owner an email saying so.",
        errors=(RegistrationClosed, LockedOut),
    ),
    ProxiedRoute(
        "register/activate/",
        "register-activate",
        "post",
        authenticated=False,
        request=schemas.LinkSerializer,
        responses={200: schemas.EMPTY},
        description="Activate an account with the `uid` and `token` of its activation link.",
        errors=(ActivationLinkInvalid,),
    ),
    ProxiedRoute(
        "register/resend/",
        "register-resend",
        "post",
        authenticated=False,
        request=schemas.EmailRequestSerializer,
        responses={200: schemas.EMPTY},
        description="Email the activation link again, if the address has an account waiting; always `{}`.",
        errors=(LockedOut,),
    ),
    ProxiedRoute(
        "password/reset/",
        "password-reset",
        "post",
        authenticated=False,
        request=schemas.EmailRequestSerializer,
        responses={200: schemas.EMPTY},
        description="Email a password reset link, if the address has an active account; always `{}`.",
        errors=(LockedOut,),
    ),
    ProxiedRoute(
        "password/reset/confirm/",
        "password-reset-confirm",
        "post",
        authenticated=False,
        request=schemas.PasswordResetConfirmSerializer,
        responses={200: schemas.EMPTY},
        description="Set a new password through a reset link; every session of the user ends, "
        "and nobody is logged in.",
        errors=(PasswordResetLinkInvalid,),
    ),
    ProxiedRoute(
        "password/validate/",
        "password-validate",
        "post",
        authenticated=False,
        request=schemas.PasswordValidateSerializer,
        responses={200: schemas.EMPTY},
        description="Check a password against the rules without setting it: `{}`, or a 400 with the rules' codes.",
    ),
    ProxiedRoute(
        "password/change/",
        "password-change",
        "post",
        authenticated=True,
        request=schemas.PasswordChangeSerializer,
        responses={200: schemas.EMPTY},
        description="Change the authenticated user's password, given the current one; every session of the "
        "user ends. The answer carries no tokens: the client logs in again with the new password.",
        errors=(PasswordIncorrect, LockedOut, ReauthenticationRequired),
    ),
    ProxiedRoute(
        "reauthenticate/",
        "reauthenticate",
        "post",
        authenticated=True,
        request=schemas.ReauthenticateSerializer,
        responses={200: schemas.REFRESH_ANSWER},
        description="Confirm the password again: a fresh token pair in the same session, whose access token is "
        "recent, for the actions that answer 401 `reauthentication_required`.",
        errors=(
            PasswordIncorrect,
            LockedOut,
            TokenNotValid,
            {%- if cookiecutter.use_mfa == "y" %}
            CodeInvalid,
            PasskeyInvalid,
            PasskeyChallengeExpired,
            {%- endif %}
        ),
    ),
    ProxiedRoute(
        "email/change/",
        "email-change",
        "post",
        authenticated=True,
        request=schemas.EmailChangeSerializer,
        responses={200: schemas.EMPTY},
        description="Ask to move the login to another address, given a recent login: always `{}`, whatever the "
        "address. The new address gets a confirmation link, the current one a notice.",
        errors=(LockedOut, ReauthenticationRequired),
    ),
    ProxiedRoute(
        "email/change/confirm/",
        "email-change-confirm",
        "post",
        authenticated=False,
        request=schemas.LinkSerializer,
        responses={200: schemas.EMPTY},
        description="Move the login to the new address with the `uid` and `token` of the link emailed there. "
        "Every session of the user ends but the one that asked for the change.",
        errors=(EmailChangeLinkInvalid,),
    ),
    ProxiedRoute(
        "me/delete/",
        "account-delete",
        "post",
        authenticated=True,
        request=schemas.AccountDeleteSerializer,
        responses={204: OpenApiResponse(description="Deleted.")},
        description="Delete the authenticated user's account, given the password and a recent login; "
        "every session ends.",
        errors=(PasswordIncorrect, LockedOut, ReauthenticationRequired),
    ),
    ProxiedRoute(
        "me/export/",
        "account-export",
        "get",
        authenticated=True,
        request=None,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The user's personal data.")},
        description="Everything the project holds about the authenticated user, as JSON: no password, token or code.",
    ),
    # Linked identities (social/urls.py, on an auth service with social login; else it answers 404 `not_found`).
    ProxiedRoute(
        "identities/",
        "identities",
        "get",
        authenticated=True,
        request=None,
        responses={200: schemas.SocialIdentityListSerializer},
        description="The identities at OpenID Connect providers linked to the authenticated user's account, "
        "oldest first.",
    ),
    ProxiedRoute(
        "identities/<uuid:identity_id>/",
        "identity",
        "delete",
        authenticated=True,
        request=None,
        responses={204: OpenApiResponse(description="The identity is unlinked.")},
        description="Unlink one identity, given a recent login; refused when it is the account's only way in.",
        errors=(IdentityNotFound, LastLoginMethod, ReauthenticationRequired),
    ),
    {%- if cookiecutter.use_mfa == "y" %}
    # Second factors (mfa/urls.py).
    ProxiedRoute(
        "mfa/",
        "mfa",
        "get",
        authenticated=True,
        request=None,
        responses={200: schemas.SecondFactorsSerializer},
        description="The authenticated user's second factors: TOTP on or off, recovery codes left, passkeys.",
    ),
    ProxiedRoute(
        "mfa/totp/setup/",
        "mfa-totp-setup",
        "post",
        authenticated=True,
        request=None,
        responses={200: schemas.TotpSetupSerializer},
        description="Start setting TOTP up: a new secret, to show as a QR code; TOTP is on once `totp/confirm/` "
        "saw a code. Needs a recent authentication.",
        errors=(ReauthenticationRequired, TotpAlreadyEnabled),
    ),
    ProxiedRoute(
        "mfa/totp/confirm/",
        "mfa-totp-confirm",
        "post",
        authenticated=True,
        request=schemas.TotpConfirmSerializer,
        responses={200: schemas.RecoveryCodesSerializer},
        description="Turn TOTP on with a code of the secret `totp/setup/` gave; the answer holds ten recovery "
        "codes, shown once.",
        errors=(ConfirmationCodeInvalid, TotpSetupRequired, TotpAlreadyEnabled),
    ),
    ProxiedRoute(
        "mfa/totp/disable/",
        "mfa-totp-disable",
        "post",
        authenticated=True,
        request=None,
        responses={204: OpenApiResponse(description="TOTP is off.")},
        description="Turn TOTP off; with no passkey left, the recovery codes go too. Needs a recent authentication.",
        errors=(ReauthenticationRequired, TotpNotEnabled),
    ),
    ProxiedRoute(
        "mfa/recovery-codes/",
        "mfa-recovery-codes",
        "post",
        authenticated=True,
        request=None,
        responses={200: schemas.RecoveryCodesSerializer},
        description="A new set of ten recovery codes, shown once; the previous set stops working. Needs a recent "
        "authentication.",
        errors=(ReauthenticationRequired, SecondFactorRequired),
    ),
    ProxiedRoute(
        "mfa/passkeys/register/options/",
        "mfa-passkey-registration-options",
        "post",
        authenticated=True,
        request=None,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="WebAuthn creation options, as JSON.")},
        description="Creation options for a new passkey, with a fresh challenge. Needs a recent authentication.",
        errors=(ReauthenticationRequired,),
    ),
    ProxiedRoute(
        "mfa/passkeys/register/",
        "mfa-passkey-registration",
        "post",
        authenticated=True,
        request=schemas.PasskeyRegistrationSerializer,
        responses={201: schemas.PasskeySerializer},
        description="Register a passkey: the browser's answer to the pending challenge, and its name.",
        errors=(PasskeyRegistrationInvalid, PasskeyChallengeExpired),
    ),
    ProxiedRoute(
        "mfa/passkeys/reauthenticate/options/",
        "mfa-passkey-reauthentication-options",
        "post",
        authenticated=True,
        request=None,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="WebAuthn request options, as JSON.")},
        description="Request options with a fresh challenge, listing the user's passkeys: `reauthenticate/` then "
        "takes the browser's answer as `credential` instead of the password.",
    ),
    ProxiedRoute(
        "mfa/passkeys/<int:passkey_id>/",
        "mfa-passkey",
        "delete",
        authenticated=True,
        request=None,
        responses={204: OpenApiResponse(description="The passkey is deleted.")},
        description="Delete a passkey of the authenticated user. Needs a recent authentication.",
        errors=(ReauthenticationRequired, PasskeyNotFound),
    ),
    {%- endif %}
)
