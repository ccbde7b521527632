"""DEBUG-only automatic login: requests without credentials act as a developer's user.

Local settings add DevAutoLoginAuthentication after the JWT authentication class and
read GATEHOUSE["DEV_AUTO_LOGIN_EMAIL"] from DJANGO_DEV_AUTO_LOGIN_EMAIL. While both are
there and DEBUG is on, a request that presents no credentials is authenticated as that
user, created on first use (active, no usable password, not staff), so a frontend can be
built against the API without signing in again after every restart.

It fails closed: with DEBUG off, without a valid email, or without the class, nobody is
logged in automatically. A request that carries credentials (an Authorization header or
an auth cookie) is never logged in automatically either, so a bad or expired token is
answered 401 exactly as in production instead of silently turning into the dev user.
Production settings configure neither part, and `check --deploy` refuses both (api.E004).
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request
from rest_framework.settings import api_settings

from ..users.managers import EmailAddressInvalid, normalize_email
from .conf import auth_cookie_names, gatehouse_settings

if TYPE_CHECKING:
    from ..users.models import User

logger = logging.getLogger(__name__)


@cache
def warn_once(message: str) -> None:
    """Log `message` as a warning the first time this process sees it: a dev server would
    otherwise repeat it on every request."""
    logger.warning(message)


def carries_credentials(request: Request) -> bool:
    """Whether the request presents credentials of its own, valid or not: an Authorization
    header, or either auth cookie (whatever the transport, so a stale cookie is never ignored)."""
    if get_authorization_header(request):
        return True
    return any(name in request.COOKIES for name in auth_cookie_names())


def dev_auto_login_email() -> str | None:
    """The dev user's normalized email when automatic login may run, else None.

    None with DEBUG off, and with a setting that is empty, not a string or not an
    email address: a half-made configuration logs nobody in.
    """
    if not settings.DEBUG:
        return None
    configured = gatehouse_settings.DEV_AUTO_LOGIN_EMAIL
    if not configured:
        return None
    try:
        email = normalize_email(configured) if isinstance(configured, str) else ""
        validate_email(email)
    except (EmailAddressInvalid, ValidationError):
        warn_once(f'GATEHOUSE["DEV_AUTO_LOGIN_EMAIL"] is not an email address ({configured!r}): nobody is logged in.')
        return None
    return email


def get_or_create_dev_user(email: str) -> User:
    """The user with `email`, created active, with no usable password and no staff rights if missing."""
    manager = get_user_model()._default_manager
    user = manager.get_by_email(email)
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = manager.create_user(email)
    except IntegrityError:
        # Two first requests raced to create the user; the other one won.
        return manager.get_by_natural_key(email)
    logger.warning("Created the dev auto-login user %s", user.pk)
    return user


class DevAutoLoginAuthentication(BaseAuthentication):
    """Authenticate a request without credentials as GATEHOUSE["DEV_AUTO_LOGIN_EMAIL"], with DEBUG on only.

    List it after the JWT authentication class: that one decides every request that
    presents a token, and this one only ever sees requests that present none.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        if carries_credentials(request):
            return None
        email = dev_auto_login_email()
        if email is None:
            return None
        user = get_or_create_dev_user(email)
        # An account that was deactivated stays locked out, as it would be with a password.
        if not user.is_active:
            warn_once(f"The dev auto-login user {email} is inactive: nobody is logged in.")
            return None
        warn_once(f"DEBUG dev auto-login: requests without credentials act as {email}.")
        return user, None


# The deploy check (`check --deploy` only), registered when AuthnConfig.ready() imports this module.
DEV_AUTO_LOGIN_ON = "api.E004"


@register(Tags.security, deploy=True)
def check_dev_auto_login_is_off(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Refuse the DEBUG-only automatic login, in part or in full: either half is a sign that
    local settings leaked into these ones, and together with DEBUG they let anybody in."""
    found = []
    # The stubs type the setting as its dotted paths; api_settings holds the imported classes.
    authentication_classes = api_settings.DEFAULT_AUTHENTICATION_CLASSES
    if any(issubclass(cls, DevAutoLoginAuthentication) for cls in authentication_classes):  # type: ignore[arg-type]
        found.append("DevAutoLoginAuthentication is in DEFAULT_AUTHENTICATION_CLASSES")
    if gatehouse_settings.DEV_AUTO_LOGIN_EMAIL:
        found.append('GATEHOUSE["DEV_AUTO_LOGIN_EMAIL"] is set')
    if not found:
        return []
    return [
        Error(
            f"Dev auto-login is configured ({' and '.join(found)}): requests without credentials "
            "could act as a user. Remove it from these settings (it belongs in config/settings/local.py only).",
            obj="settings.REST_FRAMEWORK",
            id=DEV_AUTO_LOGIN_ON,
        )
    ]
