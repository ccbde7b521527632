"""Recent authentication: what sensitive actions ask of the access token before they run.

A stolen access token must not be enough to change the password or the email, delete
the account, change second factors or end the user's other sessions. Those views ask
for a login (or a reauthentication, `POST reauthenticate/`) no older than
GATEHOUSE["REAUTHENTICATION_MAX_AGE"], read from the token's `auth_time` claim, so the
check costs no query. A project protects its own sensitive views the same way:

    permission_classes = [IsAuthenticated, RecentAuthentication]
"""

from __future__ import annotations

import time
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .conf import gatehouse_settings
from .errors import ReauthenticationRequired
from .tokens import AUTH_TIME_CLAIM


def authenticated_recently(request: Request) -> bool:
    """Whether the request's access token comes from a login within REAUTHENTICATION_MAX_AGE."""
    token: Any = request.auth
    auth_time = token.get(AUTH_TIME_CLAIM) if token is not None else None
    if not isinstance(auth_time, int | float) or isinstance(auth_time, bool):
        return False
    return time.time() - auth_time <= gatehouse_settings.REAUTHENTICATION_MAX_AGE.total_seconds()


def require_recent_authentication(request: Request) -> None:
    """Refuse the request with 401 `reauthentication_required` unless it authenticated recently."""
    if not authenticated_recently(request):
        raise ReauthenticationRequired()


class RecentAuthentication(BasePermission):
    """Allow only requests whose access token's login is recent; list it after IsAuthenticated.

    Refuses with 401 `reauthentication_required` (not a 403): the client can fix it by
    reauthenticating.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        require_recent_authentication(request)
        return True
