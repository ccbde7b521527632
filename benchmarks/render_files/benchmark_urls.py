"""The project's URLs and the benchmark's views (benchmarks/run.py copies this file into each render).

- `bench/empty/`: no authentication, no permission: the ceiling every other case is a ratio to.
- `bench/authenticated/`: the same view behind the project's own authentication classes.
- `bench/verify-per-request/` (a client service): the same view, authenticated by asking the auth
  service's `token/verify/` about every request's token, as a client without local verification does.
"""

from typing import Any

import requests
from django.conf import settings
from django.urls import path
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .urls import handler400, handler403, handler404, handler500
from .urls import urlpatterns as project_urlpatterns

# One keep-alive connection per worker to the auth service, as a verify-per-request client would keep.
verify_session = requests.Session()


class EmptyView(APIView):
    """An empty answer, with no authentication."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({})


class AuthenticatedView(EmptyView):
    """The empty answer, for an authenticated user only, with the project's authentication classes."""

    authentication_classes = APIView.authentication_classes
    permission_classes = [IsAuthenticated]


class VerifiedUser:
    """The user of a token the auth service said is valid: only that much is known."""

    is_authenticated = True
    is_active = True


class VerifyPerRequestAuthentication(BaseAuthentication):
    """A Bearer token is valid when the auth service's `token/verify/` says so, asked on every request."""

    def authenticate(self, request: Request) -> tuple[VerifiedUser, str] | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token:
            return None
        answer = verify_session.post(
            settings.GATEHOUSE["AUTH_SERVICE_URL"].rstrip("/") + "/api/auth/token/verify/",
            json={"token": token},
            # The auth service's TLS proxy, on loopback.
            headers={"X-Forwarded-Proto": "https"},
            timeout=5,
        )
        if answer.status_code != 200:
            raise AuthenticationFailed("The auth service refused the token.")
        return VerifiedUser(), token


class VerifyPerRequestView(AuthenticatedView):
    """The empty answer, authenticated by the auth service on every request."""

    authentication_classes = [VerifyPerRequestAuthentication]


urlpatterns = [
    path("bench/empty/", EmptyView.as_view()),
    path("bench/authenticated/", AuthenticatedView.as_view()),
    path("bench/verify-per-request/", VerifyPerRequestView.as_view()),
    *project_urlpatterns,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
