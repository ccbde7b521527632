"""Every failure of social login as a stable code, defined once (as authn/errors.py does for the core)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ..authn.errors import AuthnError

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


class SocialLoginError(AuthnError):
    """Base of social login's errors, whose texts are lazy translations (`gettext_lazy`)."""

    default_detail: Any


class RedirectUriNotAllowed(SocialLoginError):
    """The `redirect_uri` of a `start` step is not one of GATEHOUSE["OIDC_ALLOWED_REDIRECT_URIS"]."""

    default_code = REDIRECT_URI_NOT_ALLOWED
    default_detail = _("This redirect URI is not allowed.")
    attr = "redirect_uri"


class StateInvalid(SocialLoginError):
    """The `state` of a `callback` step is not the one its flow sent to the provider (a forged or mixed-up answer)."""

    default_code = OIDC_STATE_INVALID
    default_detail = _("The sign-in answer does not belong to this login; start again.")
    attr = "state"


class AuthorizationCodeInvalid(SocialLoginError):
    """The provider refused the code: used already, expired, or issued for another flow."""

    default_code = OIDC_CODE_INVALID
    default_detail = _("The sign-in code is invalid, expired or used; start again.")
    attr = "code"


class IdTokenInvalid(SocialLoginError):
    """The provider's ID token failed verification (signature, issuer, audience, nonce, times)."""

    default_code = ID_TOKEN_INVALID
    default_detail = _("The provider's answer could not be verified; start again.")


class ProviderEmailMissing(SocialLoginError):
    """The provider gave no email address for an identity linked to no account: no account can be made for it."""

    default_code = PROVIDER_EMAIL_MISSING
    default_detail = _("The provider did not share an email address; allow it to, or sign in another way.")


class EmailAlreadyRegistered(SocialLoginError):
    """The provider's email belongs to an account that this identity may not sign in to (the email is not
    verified by the provider, or linking by email is off): never a second account for one address."""

    status_code = status.HTTP_409_CONFLICT
    default_code = EMAIL_ALREADY_REGISTERED
    default_detail = _(
        "An account already has this email address. Sign in to it another way, then link this provider."
    )


class ProviderUnavailable(SocialLoginError):
    """The provider did not answer, or not in time, or not with what OpenID Connect says it must."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = PROVIDER_UNAVAILABLE
    default_detail = _("The sign-in provider is unavailable; try again shortly.")


class ProviderError(SocialLoginError):
    """The provider refused the token request for a reason other than the code (this client's credentials)."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = PROVIDER_ERROR
    default_detail = _("The sign-in provider refused the request.")


class IdentityNotFound(SocialLoginError):
    """`identities/<id>/` names no identity of the authenticated user (another user's included)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_code = IDENTITY_NOT_FOUND
    default_detail = _("There is no such linked identity.")


class LastLoginMethod(SocialLoginError):
    """Unlinking this identity would leave the account no way in: no usable password and no other identity."""

    status_code = status.HTTP_409_CONFLICT
    default_code = LAST_LOGIN_METHOD
    default_detail = _("This is your only way to sign in: set a password or link another provider first.")
