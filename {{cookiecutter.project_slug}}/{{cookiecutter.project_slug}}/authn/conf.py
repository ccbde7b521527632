"""The authentication settings: one dict, `GATEHOUSE`, read through `gatehouse_settings`.

Every tunable of the authn app lives here with its default, as simplejwt's `api_settings`
does; dotted paths named in IMPORT_STRINGS are imported on first use. Code reads
`gatehouse_settings.NAME`, never `getattr(settings, ...)`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from rest_framework.settings import APISettings

SETTINGS_NAME = "GATEHOUSE"

# Self-service registration: served when the project was generated with use_registration=y.
REGISTRATION_ENDPOINTS = ("register", "register-activate", "register-resend")
# Password reset, validation and change: served wherever this service holds passwords.
PASSWORD_ENDPOINTS = ("password-reset", "password-reset-confirm", "password-validate", "password-change")
# Every endpoint of authn/urls.py, by URL name; ENABLED_ENDPOINTS turns any of them off.
ALL_ENDPOINTS = (
    "options",
    "login",
    "token-refresh",
    "token-verify",
    "logout",
    "logout-all",
    "me",
    *REGISTRATION_ENDPOINTS,
    *PASSWORD_ENDPOINTS,
)

DEFAULTS: dict[str, Any] = {
    # Scenario classes offered by `GET options/`, in order (dotted paths).
    "LOGIN_SCENARIOS": [],
    # How long a login flow lives from its first step to its last (cache TTL and signed max_age).
    "FLOW_TTL": timedelta(minutes=10),
    # Wrong answers a flow tolerates before it is burnt.
    "FLOW_MAX_FAILED_ATTEMPTS": 5,
    # Emailed one-time codes: length and lifetime.
    "EMAIL_CODE_LENGTH": 6,
    "EMAIL_CODE_TTL": timedelta(minutes=5),
    # Longer passwords are refused before hashing (a 1 MB one would cost a hasher dearly).
    "PASSWORD_MAX_LENGTH": 1024,
    # How emails name the service.
    "SITE_NAME": "{{ cookiecutter.project_name }}",
    # "claims": an authenticated request builds its user from the access token's claims,
    # with no database query; "database": it loads the user row (and sees deactivation at once).
    "TOKEN_USER_SOURCE": "claims",
    # The serializer of `user` in a completed login and in `me/`.
    "USER_SERIALIZER": "{{ cookiecutter.project_slug }}.authn.serializers.UserSerializer",
    # URL names from ALL_ENDPOINTS that are routed.
    "ENABLED_ENDPOINTS": list(ALL_ENDPOINTS),
    # The TokenTransport subclass that carries tokens to clients and reads refresh tokens back.
    "TOKEN_TRANSPORT": "{{ cookiecutter.project_slug }}.authn.transports.HeaderTransport",
    # PEM public keys accepted besides SIMPLE_JWT["VERIFYING_KEY"]: the issuer's other key
    # while it rotates from one signing key to the next.
    "EXTRA_VERIFYING_KEYS": [],
    # Accounts (docs/accounts.md). Links in emails are FRONTEND_URL + one of these paths,
    # with `uid` and `token` in the query: the pages of the frontend that post them back.
    "ACTIVATION_URL_PATH": "/activate",
    "PASSWORD_RESET_URL_PATH": "/reset-password",
    # How long an emailed link works (NIST SP 800-63B: at most 24 hours; reset: an hour).
    "ACTIVATION_TOKEN_TTL": timedelta(hours=24),
    "PASSWORD_RESET_TOKEN_TTL": timedelta(hours=1),
    # Validators run after AUTH_PASSWORD_VALIDATORS, in the same format ({"NAME": ..., "OPTIONS": ...}).
    "PASSWORD_VALIDATORS": [],
    # The function that sends every email of the authn app, called with the built message.
    "EMAIL_SENDER": "{{ cookiecutter.project_slug }}.authn.emails.send_email",
    # The email outbox (authn/outbox.py): when the periodic drain queues an undelivered email
    # again, after how many attempts it gives up, how long one attempt may hold an email,
    # and how long sent and discarded emails are kept.
    "OUTBOX_RETRY_DELAY": timedelta(minutes=2),
    "OUTBOX_MAX_ATTEMPTS": 10,
    "OUTBOX_SEND_TIMEOUT": timedelta(minutes=10),
    "OUTBOX_RETENTION": timedelta(days=7),
}

IMPORT_STRINGS = ("LOGIN_SCENARIOS", "USER_SERIALIZER", "TOKEN_TRANSPORT", "EMAIL_SENDER")


class GatehouseSettings(APISettings):
    """DRF's settings reader, pointed at the `GATEHOUSE` dict instead of `REST_FRAMEWORK`."""

    @property
    def user_settings(self) -> dict[str, Any]:
        if not hasattr(self, "_user_settings"):
            self._user_settings = getattr(settings, SETTINGS_NAME, {})
        return self._user_settings


gatehouse_settings = GatehouseSettings(defaults=DEFAULTS, import_strings=IMPORT_STRINGS)


def reload_gatehouse_settings(*, setting: str, **kwargs: Any) -> None:
    """Pick up `override_settings(GATEHOUSE=...)` in tests: the object stays, its values reload."""
    if setting == SETTINGS_NAME:
        gatehouse_settings.reload()


setting_changed.connect(reload_gatehouse_settings)
