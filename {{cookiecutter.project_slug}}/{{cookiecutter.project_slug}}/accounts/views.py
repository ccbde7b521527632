"""The account endpoints: password reset, validation and change, reauthentication, email change, deletion and export.

Registration has its own, registration_views.py.

Every answer is the same whatever account the request names, or none: `{}` with one
status per endpoint, so that nobody learns which addresses have accounts. The work
is done by passwords.py; these views read the body, call it, and answer. Nothing here
is cacheable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from ..api.openapi import ErrorSource, validation_codes
from ..authn.authentication import authenticated_user
from ..authn.errors import (
    EmailChangeLinkInvalid,
    LockedOut,
    PasswordIncorrect,
    PasswordResetLinkInvalid,
    ReauthenticationRequired,
    TokenNotValid,
)
from ..authn.permissions import RecentAuthentication
from ..authn.transports.base import get_transport
from ..sessions.views import REFRESH_ANSWER
from . import email_change, lifecycle, passwords, reauthentication
from .serializers import (
    ONE_ANSWER_REQUIRED,
    AccountDeleteSerializer,
    EmailChangeSerializer,
    EmailRequestSerializer,
    LinkSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordValidateSerializer,
    ReauthenticateSerializer,
)

if TYPE_CHECKING:
    from rest_framework.authentication import BaseAuthentication

EMPTY = OpenApiResponse(OpenApiTypes.OBJECT, description="`{}`")


class AccountView(APIView):
    """Base of the account endpoints: POST only, a JSON body read by `serializer_class`, never cached."""

    authentication_classes: Sequence[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]
    serializer_class: type[Serializer]
    # The errors the endpoint raises itself, for the OpenAPI schema (api/openapi.py).
    openapi_errors: Sequence[ErrorSource] = ()

    def read(self, request: Request) -> dict[str, Any]:
        """The valid body, or a 400 with one entry per problem."""
        serializer = self.serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class PasswordResetView(AccountView):
    """Email a password reset link, if the address has an active account; always `{}`."""

    serializer_class = EmailRequestSerializer
    # Emails to one address or from one client are capped (login/lockout.py).
    openapi_errors = (LockedOut,)

    @extend_schema(request=EmailRequestSerializer, responses={200: EMPTY})
    def post(self, request: Request) -> Response:
        passwords.request_password_reset(request, self.read(request)["email"], sender=type(self))
        return Response({}, status=status.HTTP_200_OK)


class PasswordResetConfirmView(AccountView):
    """Set a new password through a reset link; every session of the user ends, and nobody is logged in."""

    serializer_class = PasswordResetConfirmSerializer
    openapi_errors = (PasswordResetLinkInvalid, *passwords.PASSWORD_RULE_CODES)

    @extend_schema(request=PasswordResetConfirmSerializer, responses={200: EMPTY})
    def post(self, request: Request) -> Response:
        data = self.read(request)
        passwords.reset_password(
            request, uid=data["uid"], token=data["token"], password=data["password"], sender=type(self)
        )
        return Response({}, status=status.HTTP_200_OK)


class PasswordValidateView(AccountView):
    """Check a password against the rules without setting it: `{}`, or a 400 with the rules' codes.

    With `email`, the similarity rule compares the password with that address, as
    registration will; nothing is looked up.
    """

    serializer_class = PasswordValidateSerializer
    openapi_errors = passwords.PASSWORD_RULE_CODES

    @extend_schema(request=PasswordValidateSerializer, responses={200: EMPTY})
    def post(self, request: Request) -> Response:
        data = self.read(request)
        candidate = get_user_model()(email=data.get("email", ""))
        passwords.check_new_password(data["password"], candidate)
        return Response({}, status=status.HTTP_200_OK)


class PasswordChangeView(AccountView):
    """Change the authenticated user's password, given the current one; every session of the user ends.

    The answer carries no tokens: the client logs in again with the new password
    (docs/accounts.md explains why).
    """

    authentication_classes = APIView.authentication_classes
    permission_classes = [IsAuthenticated, RecentAuthentication]
    serializer_class = PasswordChangeSerializer
    openapi_errors = (PasswordIncorrect, LockedOut, ReauthenticationRequired, *passwords.PASSWORD_RULE_CODES)

    @extend_schema(request=PasswordChangeSerializer, responses={200: EMPTY})
    def post(self, request: Request) -> Response:
        data = self.read(request)
        passwords.change_password(
            request,
            authenticated_user(request),
            old_password=data["old_password"],
            new_password=data["new_password"],
            sender=type(self),
        )
        return Response({}, status=status.HTTP_200_OK)


class ReauthenticateView(AccountView):
    """Confirm the password again: a fresh token pair in the same session, whose access token is recent.

    The sensitive actions (password change, ending other sessions, ...) answer 401
    `reauthentication_required` when the login is older than REAUTHENTICATION_MAX_AGE;
    the client asks for the password, posts it here and retries. The tokens travel as
    a refresh's do: in the body, or in the cookies for a request the cookie authenticated.
    """

    authentication_classes = APIView.authentication_classes
    permission_classes = [IsAuthenticated]
    serializer_class = ReauthenticateSerializer

    @property
    def openapi_errors(self) -> list[ErrorSource]:  # type: ignore[override]
        """The password's errors and, with other factors registered, theirs and the one-answer rule."""
        if not reauthentication.FACTORS:
            return [PasswordIncorrect, LockedOut, TokenNotValid]
        return [
            PasswordIncorrect,
            LockedOut,
            TokenNotValid,
            *reauthentication.factor_errors(),
            *validation_codes((ONE_ANSWER_REQUIRED,)),
        ]

    @extend_schema(request=ReauthenticateSerializer, responses={200: REFRESH_ANSWER})
    def post(self, request: Request) -> Response:
        data = self.read(request)
        pair = passwords.reauthenticate(request, authenticated_user(request), answer=data, sender=type(self))
        return get_transport().refresh_response(request, pair)


class AccountDeleteView(AccountView):
    """Delete the authenticated user's account, given the password and a recent login; every session ends.

    The answer is a logout's: with cookies, it deletes them. A goodbye email goes to the
    address the account had.
    """

    authentication_classes = APIView.authentication_classes
    permission_classes = [IsAuthenticated, RecentAuthentication]
    serializer_class = AccountDeleteSerializer
    openapi_errors = (PasswordIncorrect, LockedOut, ReauthenticationRequired)

    @extend_schema(request=AccountDeleteSerializer, responses={204: OpenApiResponse(description="Deleted.")})
    def post(self, request: Request) -> Response:
        data = self.read(request)
        lifecycle.delete_account(request, authenticated_user(request), password=data["password"], sender=type(self))
        return get_transport().logout_response(request)


class AccountExportView(APIView):
    """Everything the project holds about the authenticated user, as JSON: no password, token or code."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The user's personal data.")})
    def get(self, request: Request) -> Response:
        response = Response(lifecycle.personal_data(authenticated_user(request)))
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        add_never_cache_headers(response)
        return response


class EmailChangeView(AccountView):
    """Ask to move the login to another address, given a recent login: always `{}`, whatever the address.

    The new address gets a confirmation link, the current one a notice; an address that
    already has an account gets an email saying so, and nothing changes.
    """

    authentication_classes = APIView.authentication_classes
    permission_classes = [IsAuthenticated, RecentAuthentication]
    serializer_class = EmailChangeSerializer
    openapi_errors = (LockedOut, ReauthenticationRequired)

    @extend_schema(request=EmailChangeSerializer, responses={200: EMPTY})
    def post(self, request: Request) -> Response:
        data = self.read(request)
        email_change.request_email_change(request, authenticated_user(request), data["new_email"], sender=type(self))
        return Response({}, status=status.HTTP_200_OK)


class EmailChangeConfirmView(AccountView):
    """Move the login to the new address with the `uid` and `token` of the link emailed there.

    Every session of the user ends but the one that asked for the change.
    """

    serializer_class = LinkSerializer
    openapi_errors = (EmailChangeLinkInvalid,)

    @extend_schema(request=LinkSerializer, responses={200: EMPTY})
    def post(self, request: Request) -> Response:
        data = self.read(request)
        email_change.confirm_email_change(request, data["uid"], data["token"], sender=type(self))
        return Response({}, status=status.HTTP_200_OK)
