"""The session endpoints: refresh, logout, logout everywhere, and the sessions list.

The views are simplejwt's, with their work done by sessions/service.py and their
answers written by the configured transport; every token problem is a 401 with
code `token_not_valid`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as simplejwt_views
from rest_framework_simplejwt.exceptions import TokenError

from ..api.openapi import BODY_ERRORS, validation_codes
from ..api.request_bodies import check_body
from ..authn.authentication import authenticated_user
from ..authn.conf import gatehouse_settings
from ..authn.errors import ReauthenticationRequired, SessionNotFound, TokenNotValid
from ..authn.permissions import require_recent_authentication
from ..authn.serializers import RefreshTokenRequestSerializer
from ..authn.signals import logged_out, logged_out_everywhere, session_ended
from ..authn.tokens import SESSION_ID_CLAIM
from ..authn.transports.base import get_transport
from .serializers import SessionEndQuerySerializer, SessionListSerializer
from .service import (
    blacklist_refresh_token,
    end_session,
    live_sessions,
    revoke_all_refresh_tokens,
    rotate_refresh_token,
)

# The schema describes the transport configured when it is generated.
TRANSPORT = gatehouse_settings.TOKEN_TRANSPORT
# What refresh and logout answer besides their success, for the OpenAPI schema (api/openapi.py): these
# views take no credentials, the refresh token they read is theirs to refuse.
REFRESH_TOKEN_ERRORS = (TokenNotValid, *TRANSPORT.refresh_request_errors, *TRANSPORT.cookie_request_errors)
REFRESH_ANSWER = (
    TRANSPORT.refresh_serializers[0]
    if len(TRANSPORT.refresh_serializers) == 1
    else PolymorphicProxySerializer(
        component_name="RefreshAnswer", serializers=list(TRANSPORT.refresh_serializers), resource_type_field_name=None
    )
)
COOKIE_USE = (
    "With the refresh cookie (cookie transport, or no `refresh` in the body), the request needs the "
    "`X-CSRFToken` header and a same-site or trusted Origin (else 403 `csrf_failed`); the answer sets both "
    "cookies again (refresh) or deletes them (logout)."
    if TRANSPORT.sets_cookies
    else None
)


@contextmanager
def token_errors_refused() -> Iterator[None]:
    """Turn simplejwt's TokenError into the API's 401 `token_not_valid`."""
    try:
        yield
    except TokenError as error:
        raise TokenNotValid(str(error)) from error


class TokenRefreshView(simplejwt_views.TokenRefreshView):
    """Exchange a refresh token for a new access token and a new refresh token.

    The refresh token presented is blacklisted: using it again is refused.
    """

    serializer_class = RefreshTokenRequestSerializer
    openapi_errors = REFRESH_TOKEN_ERRORS

    @extend_schema(
        request=TRANSPORT.refresh_request_serializer,
        responses={200: REFRESH_ANSWER},
        description=COOKIE_USE,
    )
    def post(self, request: Request) -> Response:
        transport = get_transport()
        raw_refresh = transport.read_refresh_token(request)
        with token_errors_refused():
            pair = rotate_refresh_token(raw_refresh, request)
        return transport.refresh_response(request, pair)


class LogoutView(simplejwt_views.TokenBlacklistView):
    """End one session: blacklist its refresh token.

    A forged, malformed or expired token is refused and changes nothing. A token that
    its session had replaced still ends that session: within REFRESH_REUSE_GRACE of its
    rotation (a refresh in another tab won a moment ago) as a logout, later refused as
    reuse.
    """

    serializer_class = RefreshTokenRequestSerializer
    openapi_errors = REFRESH_TOKEN_ERRORS

    @extend_schema(
        request=TRANSPORT.refresh_request_serializer,
        responses={204: OpenApiResponse(description="Logged out.")},
        description=COOKIE_USE,
    )
    def post(self, request: Request) -> Response:
        transport = get_transport()
        raw_refresh = transport.read_refresh_token(request)
        with token_errors_refused():
            user = blacklist_refresh_token(raw_refresh, request)
        logged_out.send(sender=type(self), request=request, user=user)
        return transport.logout_response(request)


class LogoutAllView(APIView):
    """End every session of the authenticated user: all their refresh tokens are refused from now on."""

    permission_classes = [IsAuthenticated]
    # It takes no body, yet refuses one that is not empty, as every endpoint with a body would.
    openapi_errors = BODY_ERRORS

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Every session ended.")})
    def post(self, request: Request) -> Response:
        # No body, or an empty object: a field sent here is refused, not ignored.
        check_body(request.data, fields=())
        user = authenticated_user(request)
        revoke_all_refresh_tokens(user)
        logged_out_everywhere.send(sender=type(self), request=request, user=user)
        return get_transport().logout_response(request)


class SessionListView(APIView):
    """The authenticated user's live sessions (one per login), newest first; `current` marks the request's own."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: SessionListSerializer})
    def get(self, request: Request) -> Response:
        sessions = live_sessions(request.user.pk)
        return Response(SessionListSerializer({"sessions": sessions}, context={"request": request}).data)


class SessionView(APIView):
    """End one session of the authenticated user: its refresh token is refused from then on.

    Ending the request's own session is a logout: with cookies, the answer deletes them.
    Ending another needs a recent authentication (401 `reauthentication_required`).
    With `?forget_device=true`, the device of its login is forgotten too (devices/).
    """

    permission_classes = [IsAuthenticated]

    # `?forget_device=` must be a boolean.
    openapi_errors = (SessionNotFound, ReauthenticationRequired, *validation_codes(["invalid"]))

    @extend_schema(
        request=None,
        parameters=[SessionEndQuerySerializer],
        responses={204: OpenApiResponse(description="The session is ended.")},
    )
    def delete(self, request: Request, session_id: str) -> Response:
        query = SessionEndQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        token: Any = request.auth
        is_own_session = token is not None and token.get(SESSION_ID_CLAIM) == session_id
        if not is_own_session:
            # Ending the user's other sessions is how a thief with an access token would keep the owner out.
            require_recent_authentication(request)
        family = end_session(request.user.pk, session_id)
        if family is None:
            raise SessionNotFound()
        session_ended.send(
            sender=type(self),
            request=request,
            user=family.user,
            session=family.pk,
            forget_device=query.validated_data["forget_device"],
        )
        if is_own_session:
            return get_transport().logout_response(request)
        return Response(status=204)
