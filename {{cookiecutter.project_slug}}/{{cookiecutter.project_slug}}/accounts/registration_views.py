"""The registration endpoints: register, activate by the emailed link, and resend that link.

As every account endpoint, they answer the same whether or not an address has an account.
The work is done by registration.py.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ..authn.errors import ActivationLinkInvalid, LockedOut, RegistrationClosed
from . import registration
from .passwords import PASSWORD_RULE_CODES
from .serializers import EmailRequestSerializer, LinkSerializer, RegisterSerializer
from .views import EMPTY, AccountView


class RegisterView(AccountView):
    """Register an account, inactive until the link emailed to it is used.

    An address that already has an account gets the same answer, and its owner an email saying so.
    An address the adapter does not let register (GATEHOUSE["ADAPTER"]) is refused with 403.
    """

    serializer_class = RegisterSerializer
    # Emails to one address or from one client are capped (login/lockout.py).
    openapi_errors = (RegistrationClosed, LockedOut, *PASSWORD_RULE_CODES)

    @extend_schema(request=RegisterSerializer, responses={201: EMPTY})
    def post(self, request: Request) -> Response:
        data = self.read(request)
        registration.register(request, **data, sender=type(self))
        return Response({}, status=status.HTTP_201_CREATED)


class ActivateView(AccountView):
    """Activate the account of an activation link (its `uid` and `token`)."""

    serializer_class = LinkSerializer
    openapi_errors = (ActivationLinkInvalid,)

    @extend_schema(request=LinkSerializer, responses={200: EMPTY})
    def post(self, request: Request) -> Response:
        data = self.read(request)
        registration.activate(request, uid=data["uid"], token=data["token"], sender=type(self))
        return Response({}, status=status.HTTP_200_OK)


class ResendActivationView(AccountView):
    """Email the activation link again, if the address has an account that waits for one; always `{}`."""

    serializer_class = EmailRequestSerializer
    openapi_errors = (LockedOut,)

    @extend_schema(request=EmailRequestSerializer, responses={200: EMPTY})
    def post(self, request: Request) -> Response:
        registration.resend_activation(request, self.read(request)["email"])
        return Response({}, status=status.HTTP_200_OK)
