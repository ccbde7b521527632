"""The second-factor endpoints under `/api/auth/mfa/`: the user's factors, TOTP, recovery codes and passkeys.

Every change to a factor needs a recent authentication (401 `reauthentication_required`,
authn/permissions.py), except confirming a TOTP setup, which a recent `totp/setup/`
started. The work is in totp_setup.py, factors.py and passkeys.py; nothing here is cacheable.
"""

from __future__ import annotations

from typing import Any

from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..authn.authentication import authenticated_user
from ..authn.errors import (
    ConfirmationCodeInvalid,
    PasskeyChallengeExpired,
    PasskeyNotFound,
    PasskeyRegistrationInvalid,
    ReauthenticationRequired,
    SecondFactorRequired,
    TotpAlreadyEnabled,
    TotpNotEnabled,
    TotpSetupRequired,
)
from ..authn.permissions import RecentAuthentication
from . import factors, passkeys, totp_setup
from .serializers import (
    PasskeyRegistrationSerializer,
    PasskeySerializer,
    RecoveryCodesSerializer,
    SecondFactorsSerializer,
    TotpConfirmSerializer,
    TotpSetupSerializer,
)


class MfaView(APIView):
    """Base of the second-factor endpoints: authenticated, never cached."""

    permission_classes = [IsAuthenticated]

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        # Answers hold secrets (a TOTP secret, recovery codes) or say which factors an account has.
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class SecondFactorsView(MfaView):
    """The authenticated user's second factors: TOTP on or off, recovery codes left, passkeys."""

    @extend_schema(responses={200: SecondFactorsSerializer})
    def get(self, request: Request) -> Response:
        return Response(SecondFactorsSerializer(factors.summary(authenticated_user(request))).data)


class TotpSetupView(MfaView):
    """Start setting TOTP up: a new secret, to show as a QR code; TOTP is on once `totp/confirm/` saw a code.

    Asking again replaces a pending secret. Needs a recent authentication.
    """

    permission_classes = [IsAuthenticated, RecentAuthentication]
    openapi_errors = (ReauthenticationRequired, TotpAlreadyEnabled)

    @extend_schema(request=None, responses={200: TotpSetupSerializer})
    def post(self, request: Request) -> Response:
        setup = totp_setup.start_setup(authenticated_user(request))
        return Response(TotpSetupSerializer(setup).data)


class TotpConfirmView(MfaView):
    """Turn TOTP on with a code of the secret `totp/setup/` gave; the answer holds ten recovery codes, shown once."""

    openapi_errors = (ConfirmationCodeInvalid, TotpSetupRequired, TotpAlreadyEnabled)

    @extend_schema(request=TotpConfirmSerializer, responses={200: RecoveryCodesSerializer})
    def post(self, request: Request) -> Response:
        serializer = TotpConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        codes = totp_setup.confirm_setup(request, authenticated_user(request), serializer.validated_data["code"])
        return Response(RecoveryCodesSerializer({"recovery_codes": codes}).data)


class TotpDisableView(MfaView):
    """Turn TOTP off; with no passkey left, the recovery codes go too. Needs a recent authentication."""

    permission_classes = [IsAuthenticated, RecentAuthentication]
    openapi_errors = (ReauthenticationRequired, TotpNotEnabled)

    @extend_schema(request=None, responses={204: OpenApiResponse(description="TOTP is off.")})
    def post(self, request: Request) -> Response:
        if not factors.disable_totp(request, authenticated_user(request)):
            raise TotpNotEnabled()
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecoveryCodesView(MfaView):
    """A new set of ten recovery codes, shown once; the previous set stops working. Needs a recent authentication."""

    permission_classes = [IsAuthenticated, RecentAuthentication]
    openapi_errors = (ReauthenticationRequired, SecondFactorRequired)

    @extend_schema(request=None, responses={200: RecoveryCodesSerializer})
    def post(self, request: Request) -> Response:
        codes = totp_setup.regenerate_recovery_codes(authenticated_user(request))
        return Response(RecoveryCodesSerializer({"recovery_codes": codes}).data)


class PasskeyRegistrationOptionsView(MfaView):
    """Creation options for a new passkey (`publicKey` of `navigator.credentials.create()`), with a fresh challenge.

    The challenge waits on the server for WEBAUTHN_CHALLENGE_TTL; asking again replaces it.
    Needs a recent authentication.
    """

    permission_classes = [IsAuthenticated, RecentAuthentication]
    openapi_errors = (ReauthenticationRequired,)

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="WebAuthn creation options, as JSON.")},
    )
    def post(self, request: Request) -> Response:
        return Response(passkeys.registration_options(authenticated_user(request)))


class PasskeyRegistrationView(MfaView):
    """Register a passkey: the browser's answer to the pending challenge, and its name."""

    openapi_errors = (PasskeyRegistrationInvalid, PasskeyChallengeExpired)

    @extend_schema(request=PasskeyRegistrationSerializer, responses={201: PasskeySerializer})
    def post(self, request: Request) -> Response:
        serializer = PasskeyRegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        passkey = passkeys.register(request, authenticated_user(request), data["credential"], data["name"])
        return Response(PasskeySerializer(passkey).data, status=status.HTTP_201_CREATED)


class PasskeyReauthenticationOptionsView(MfaView):
    """Request options for `navigator.credentials.get()` with a fresh challenge, which `reauthenticate/` then
    takes as `{"credential"}` instead of the password.

    They list the user's own passkeys. The challenge waits on the server for WEBAUTHN_CHALLENGE_TTL;
    asking again replaces it. No recent authentication is needed: this is how one is made.
    """

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="WebAuthn request options, as JSON.")},
    )
    def post(self, request: Request) -> Response:
        return Response(passkeys.reauthentication_options(authenticated_user(request)))


class PasskeyView(MfaView):
    """Delete a passkey of the authenticated user; another user's or an unknown id is not found."""

    permission_classes = [IsAuthenticated, RecentAuthentication]
    openapi_errors = (ReauthenticationRequired, PasskeyNotFound)

    @extend_schema(request=None, responses={204: OpenApiResponse(description="The passkey is deleted.")})
    def delete(self, request: Request, passkey_id: int) -> Response:
        if not passkeys.delete(request, authenticated_user(request), passkey_id):
            raise PasskeyNotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
