"""Which devices an account knows: the device token a request presents, and remembering it after a login.

A device token is 32 random bytes, signed with the project's SECRET_KEY (django.core.signing),
so that a forged or truncated one is refused before any query. A browser keeps it in the
HttpOnly device cookie (authn.conf.device_cookie_name(), Path the login endpoints', for
DEVICE_TRUST_MAX_AGE); an app client, which keeps no cookies, gets it as `device_token` in
the body of a completed login and sends it back in the Device-Token header. One device has
one token whatever account logs in on it; each account knows it apart.
"""

from __future__ import annotations

import hashlib
import posixpath
import secrets
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from rest_framework.response import Response

from ..authn.conf import DEVICE_TOKEN_HEADER, auth_cookies_are_secure, device_cookie_name, gatehouse_settings
from .models import KnownDevice

if TYPE_CHECKING:
    from ..users.models import User

TOKEN_BYTES = 32
SIGNING_SALT = "devices.device-token"
# What a completed login's body carries for app clients (the header transport).
DEVICE_TOKEN_FIELD = "device_token"  # noqa: S105 (a field name, not a secret)
USER_AGENT_MAX_LENGTH = 255


def device_cookie_path() -> str:
    """The folder of the login endpoints (`/api/auth/login/`): the only requests the device cookie goes with."""
    return posixpath.dirname(reverse("login:login", kwargs={"scenario": "password"}).rstrip("/")) + "/"


def signer() -> signing.Signer:
    return signing.Signer(salt=SIGNING_SALT)


def new_device_token() -> str:
    """A fresh, signed device token."""
    return signer().sign(secrets.token_urlsafe(TOKEN_BYTES))


def presented_token(request: HttpRequest) -> str | None:
    """The signed device token of the request (the Device-Token header wins over the cookie), if it verifies."""
    header = request.headers.get(DEVICE_TOKEN_HEADER)
    for candidate in (header, request.COOKIES.get(device_cookie_name())):
        if candidate:
            try:
                signer().unsign(candidate)
            except signing.BadSignature:
                continue
            return candidate
    return None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_known(user: User, request: HttpRequest) -> bool:
    """Whether the request comes from a device `user` completed a login on within DEVICE_TRUST_MAX_AGE."""
    token = presented_token(request)
    if token is None:
        return False
    since = timezone.now() - gatehouse_settings.DEVICE_TRUST_MAX_AGE
    return KnownDevice.objects.filter(user=user, token_digest=digest(token), last_login_at__gte=since).exists()


def remember(request: HttpRequest, user: User, session_id: str, response: Response) -> None:
    """After a completed login: `user` knows the request's device from now on; the answer carries its token."""
    token = presented_token(request) or new_device_token()
    KnownDevice.objects.update_or_create(
        user=user,
        token_digest=digest(token),
        defaults={
            "last_login_at": timezone.now(),
            "session_id": session_id,
            "user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_MAX_LENGTH],
        },
    )
    if isinstance(response.data, dict) and "refresh" in response.data:
        # Tokens in the body: an app client, which keeps the device token as it keeps the refresh token.
        response.data[DEVICE_TOKEN_FIELD] = token
    max_age = int(gatehouse_settings.DEVICE_TRUST_MAX_AGE.total_seconds())
    response.set_cookie(
        device_cookie_name(),
        token,
        max_age=max_age,
        path=device_cookie_path(),
        secure=auth_cookies_are_secure(),
        httponly=True,
        # As the auth cookies: a frontend on another site (SameSite=None) logs in with it too.
        samesite=gatehouse_settings.AUTH_COOKIE_SAMESITE,
    )


def forget_device_of_ended_session(
    sender: type, request: HttpRequest | None, user: User, session: str, forget_device: bool = False, **kwargs: Any
) -> None:
    """`session_ended` receiver: with `forget_device`, the device whose last login was that session is unknown again."""
    if forget_device:
        KnownDevice.objects.filter(user=user, session_id=session).delete()


def exported_devices(user: User) -> list[dict[str, Any]]:
    """The user's known devices for the personal data export (never the token's digest)."""
    devices = KnownDevice.objects.filter(user=user).order_by("created_at")
    return [
        {
            "created_at": device.created_at.isoformat(),
            "last_login_at": device.last_login_at.isoformat(),
            "user_agent": device.user_agent,
        }
        for device in devices
    ]
