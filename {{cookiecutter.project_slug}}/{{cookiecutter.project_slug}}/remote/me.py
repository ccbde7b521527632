"""`me/` on a client service: read from the local copy, changed at the auth service.

GET answers from the local copy of the user, as fresh as the access token that made
it (remote/users.py), with no request to the auth service. PATCH is the auth
service's: what only it may change is never written to the copy alone, where the next
access token would undo it. The body is checked here first with the same serializer
(GATEHOUSE["USER_SERIALIZER"], the same on both services), so that a body the auth
service would refuse costs no round trip; then the auth service changes the user, and
its answer updates the copy, which then answers. Both methods answer the same
representation: this service's serializer of its copy.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ..authn.conf import gatehouse_settings
from ..authn.views import MeView
from .errors import AuthServiceUnavailable, reshape_upstream_error
from .proxy import AUTH_PREFIX, downstream_response, proxied_errors, send_upstream, unavailable_response
from .users import update_copy_from_auth_service

ME_PATH = AUTH_PREFIX + "me/"


def answered_at(upstream: requests.Response) -> float:
    """When the auth service answered, by its own clock (its `Date` header) when it says; else now."""
    try:
        return parsedate_to_datetime(upstream.headers["Date"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return time.time()


def answer_about(upstream: requests.Response, user: Any) -> dict[str, Any] | None:
    """The auth service's answer, when it is a JSON object about `user`; None otherwise."""
    try:
        answer = upstream.json()
    except ValueError:
        return None
    return answer if isinstance(answer, dict) and answer.get("id") == str(user.pk) else None


class RemoteMeView(MeView):
    """Read the authenticated user from the local copy (`GET`); change their name at the auth service (`PATCH`)."""

    # What the auth service may answer to the PATCH, as the client's schema says it (remote/proxy.py).
    openapi_errors = proxied_errors()

    @extend_schema(responses={200: gatehouse_settings.USER_SERIALIZER})
    # An upstream refusal comes back as the proxy's plain HttpResponse, not as a DRF Response.
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse | Response:  # type: ignore[override]
        user = self.get_object()
        self.get_serializer(user, data=request.data, partial=True).is_valid(raise_exception=True)
        try:
            upstream = send_upstream(request, ME_PATH, authenticated=True)
        except AuthServiceUnavailable as error:
            return unavailable_response(error)
        if upstream.status_code != status.HTTP_200_OK:
            return downstream_response(upstream)
        answer = answer_about(upstream, user)
        if answer is None:
            # Not an answer the auth service gives: treated as its server error, and the copy left alone.
            status_code, body = reshape_upstream_error(status.HTTP_502_BAD_GATEWAY, None)
            return Response(body, status=status_code)
        update_copy_from_auth_service(user, answer, answered_at(upstream))
        return Response(self.get_serializer(user).data)
