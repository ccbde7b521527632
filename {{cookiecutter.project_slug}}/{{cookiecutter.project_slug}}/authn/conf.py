"""The authentication settings: one dict, `GATEHOUSE`, read through `gatehouse_settings`.

Every tunable of every app lives here with its default, as simplejwt's `api_settings`
does; the defaults are the same in every project, and config/settings/base.py sets what
the project's answers chose. Dotted paths named in IMPORT_STRINGS are imported on first
use. Code reads `gatehouse_settings.NAME`, never `getattr(settings, ...)`; a key that is
not here is refused by the system check `gatehouse.E013`. Durations are timedeltas, and
may be given as a number of seconds (`"REFRESH_REUSE_GRACE": 5`): code always reads a
timedelta (`gatehouse.E015` refuses anything else, and negative durations).
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from rest_framework.settings import APISettings

SETTINGS_NAME = "GATEHOUSE"

DEFAULTS: dict[str, Any] = {
    # The class whose methods make the decisions a project overrides (authn/adapter.py, docs/adapter.md):
    # who may register, the lockout and email budgets, the links of emails, how an email is sent.
    "ADAPTER": "{{ cookiecutter.project_slug }}.authn.adapter.GatehouseAdapter",
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
    # How emails name the service (base.py sets the project's name).
    "SITE_NAME": "",
    # "claims": an authenticated request builds its user from the access token's claims,
    # with no database query; "database": it loads the user row (and sees deactivation at once).
    "TOKEN_USER_SOURCE": "claims",
    # The serializer of `user` in a completed login and in `me/`.
    "USER_SERIALIZER": "{{ cookiecutter.project_slug }}.authn.serializers.UserSerializer",
    # The URL names that are routed, from every app's urls.py (authn/endpoints.py); None: all of them.
    "ENABLED_ENDPOINTS": None,
    # The TokenTransport subclass that carries tokens to clients and reads them back:
    # header.HeaderTransport, cookie.CookieTransport or both.HeaderOrCookieTransport (authn/transports/).
    # base.py names the one this project was generated with; the render holds only the modules it uses.
    "TOKEN_TRANSPORT": "{{ cookiecutter.project_slug }}.authn.transports.header.HeaderTransport",
    # The cookies of CookieTransport (and of HeaderOrCookieTransport when a client picks cookies).
    # Both are HttpOnly; the access cookie has Path=/, the refresh cookie the narrowest path that
    # covers `token/refresh/` and `logout/`. Where they are Secure, auth_cookie_names() below puts
    # the `__Host-` (access) and `__Secure-` (refresh) prefixes before these names.
    "AUTH_COOKIE_ACCESS_NAME": "access_token",
    "AUTH_COOKIE_REFRESH_NAME": "refresh_token",
    # "Lax", "Strict" or "None" (which needs Secure): whether browsers send the cookies cross-site.
    "AUTH_COOKIE_SAMESITE": "Lax",
    # None: Secure unless DEBUG (for a dev server on plain http://); True or False to decide.
    "AUTH_COOKIE_SECURE": None,
    # None: host-only cookies (the `__Host-` prefix needs that). A domain ("example.com") sends them
    # to every host under it too; the access cookie is then named with `__Secure-` instead.
    "AUTH_COOKIE_DOMAIN": None,
    # CHIPS (`Partitioned`): for a frontend on another site, in browsers that block third-party
    # cookies; needs Secure. CSRF_COOKIE_PARTITIONED does the same for Django's `csrftoken` cookie,
    # which such a frontend needs too (authn/transports/csrf.py).
    "AUTH_COOKIE_PARTITIONED": False,
    "CSRF_COOKIE_PARTITIONED": False,
    # Device trust (devices/, docs/devices.md): a password login from a device the account has not
    # completed a login on before answers an emailed code (step `device`) before its tokens. A device is
    # known by a signed token in the HttpOnly device cookie, or in the Device-Token header of app
    # clients, kept for DEVICE_TRUST_MAX_AGE after its last login.
    "DEVICE_TRUST": False,
    "DEVICE_COOKIE_NAME": "device_token",
    "DEVICE_TRUST_MAX_AGE": timedelta(days=365),
    # PEM public keys accepted besides the signing key's own (a list, or one text holding several PEM
    # blocks, as JWT_PUBLIC_KEYS does): the issuer's other key while it rotates to the next one.
    "EXTRA_VERIFYING_KEYS": [],
    # Access-token claims (authn/claims.py): the user fields a client service copies (email,
    # names, is_staff, is_superuser), and a function of the user (dotted path) whose dict of
    # claims is added to every access token.
    "USER_CLAIMS_IN_ACCESS_TOKENS": False,
    "EXTRA_ACCESS_CLAIMS": None,
    # The class that finds the verifying key of a token's `kid` (simplejwt's `jwks_client`
    # interface). None: tokens are verified with SIMPLE_JWT's keys and EXTRA_VERIFYING_KEYS.
    "JWKS_CLIENT": None,
    # How long clients and caches may keep GET /.well-known/jwks.json (auth_service).
    "JWKS_MAX_AGE": timedelta(minutes=5),
    # A client service's auth service (remote/, docs/remote-split.md): its base URL, where the JWKS is read and
    # logins are proxied. Its TLS certificate is verified (True, or the path of a CA bundle).
    "AUTH_SERVICE_URL": "",
    "AUTH_SERVICE_VERIFY_TLS": True,
    # How long a proxied request (login, refresh, logout) may wait for the auth service.
    "AUTH_SERVICE_TIMEOUT": timedelta(seconds=5),
    # How long one JWKS fetch may take: a request waiting on it waits at most this long.
    "JWKS_FETCH_TIMEOUT": timedelta(seconds=2),
    # At most one JWKS fetch per interval across all processes, however many unknown `kid`s arrive.
    "JWKS_REFETCH_INTERVAL": timedelta(seconds=30),
    # Known keys are fetched again after this long, so that a retired key stops being accepted.
    "JWKS_REFRESH_AFTER": timedelta(minutes=10),
    # How long the last JWKS fetched keeps verifying tokens while the auth service is unreachable.
    "JWKS_CACHE_TTL": timedelta(days=1),
    # A function of the access token's claims returning the local user's field values (dotted path).
    "REMOTE_USER_CLAIMS_MAPPER": "{{ cookiecutter.project_slug }}.remote.users.map_user_claims",
    # How long a client service's process trusts that it saw a user's local copy active and in step with their
    # claims before it reads the copy again (remote/copy_user.py); 0 reads it on every request.
    "REMOTE_USER_COPY_CHECK_INTERVAL": timedelta(seconds=30),
    # Accounts (docs/accounts.md). Links in emails are FRONTEND_URL + one of these paths,
    # with `uid` and `token` in the query: the pages of the frontend that post them back
    # (the adapter's activation_url, password_reset_url and email_change_url).
    "ACTIVATION_URL_PATH": "/activate",
    "PASSWORD_RESET_URL_PATH": "/reset-password",
    "EMAIL_CHANGE_URL_PATH": "/confirm-email",
    # How long an emailed link works (NIST SP 800-63B: at most 24 hours; reset: an hour).
    "ACTIVATION_TOKEN_TTL": timedelta(hours=24),
    "PASSWORD_RESET_TOKEN_TTL": timedelta(hours=1),
    "EMAIL_CHANGE_TOKEN_TTL": timedelta(hours=24),
    # Validators run after AUTH_PASSWORD_VALIDATORS, in the same format ({"NAME": ..., "OPTIONS": ...}).
    "PASSWORD_VALIDATORS": [],
    # The email outbox (mail/outbox.py): when the periodic drain queues an undelivered email
    # again, after how many attempts it gives up, how long one attempt may hold an email,
    # and how long sent and discarded emails are kept.
    "OUTBOX_RETRY_DELAY": timedelta(minutes=2),
    "OUTBOX_MAX_ATTEMPTS": 10,
    "OUTBOX_SEND_TIMEOUT": timedelta(minutes=10),
    "OUTBOX_RETENTION": timedelta(days=7),
    # Brute force (login/lockout.py, docs/login.md): wrong answers, of any factor, per account
    # (the submitted identifier, whether or not it has an account) and per client address.
    # Every LOCKOUT_ACCOUNT_THRESHOLD-th failure within LOCKOUT_ACCOUNT_WINDOW locks the account,
    # for LOCKOUT_COOL_OFF doubling at each lock up to LOCKOUT_MAX_COOL_OFF; the
    # LOCKOUT_ACCOUNT_MAX_FAILURES-th (NIST SP 800-63B: at most 100) locks it until a password
    # reset. LOCKOUT_IP_THRESHOLD failures within LOCKOUT_WINDOW lock a client address for
    # LOCKOUT_COOL_OFF. A completed login resets the account's count; nothing resets the client's.
    # These and the email caps below are the budgets of the adapter's lockout_limits and email_limits.
    "LOCKOUT_ACCOUNT_THRESHOLD": 10,
    "LOCKOUT_ACCOUNT_MAX_FAILURES": 100,
    "LOCKOUT_ACCOUNT_WINDOW": timedelta(days=30),
    "LOCKOUT_IP_THRESHOLD": 50,
    "LOCKOUT_WINDOW": timedelta(hours=1),
    "LOCKOUT_COOL_OFF": timedelta(minutes=15),
    "LOCKOUT_MAX_COOL_OFF": timedelta(days=1),
    # Emails (login codes, activation, reset) per address and per client within EMAIL_WINDOW;
    # password reset emails are counted apart from the others, so that nothing else uses them up.
    "EMAIL_ACCOUNT_LIMIT": 5,
    "EMAIL_IP_LIMIT": 30,
    "EMAIL_WINDOW": timedelta(hours=1),
    # How many proxies in front of the app append to X-Forwarded-For; the client address is
    # that many entries from the right. 0: REMOTE_ADDR, and the header is ignored.
    "TRUSTED_PROXY_COUNT": 0,
    # Refresh-token families: every refresh token rotated from one login ends this long after it.
    "REFRESH_FAMILY_MAX_AGE": timedelta(days=30),
    # A refresh token used again this soon after its rotation (two tabs refreshing at once) is refused
    # and its family kept; used later, it revokes the family (reuse detection). timedelta(0): no grace.
    "REFRESH_REUSE_GRACE": timedelta(seconds=10),
    # How recent a login (the access token's `auth_time`) the sensitive actions ask for: a password or email
    # change, deleting the account, ending other sessions (authn/permissions.py). Older: 401
    # `reauthentication_required`, and the client reauthenticates (`POST reauthenticate/`).
    "REAUTHENTICATION_MAX_AGE": timedelta(minutes=5),
    # A session's `last_used_at` (GET sessions/) is written at each refresh, and by requests with
    # its access tokens at most this often: no write on every request.
    "SESSION_LAST_USED_PRECISION": timedelta(minutes=1),
    # Access tokens carry a per-user version (`ver`) checked on every request against the
    # cache (one cache read per request): logout everywhere, a password change or reset and
    # deactivation then refuse existing access tokens at once instead of at their expiry.
    "INSTANT_ACCESS_REVOCATION": False,
    # How long each process keeps an access token it has verified, as the text it came as, so that
    # the same token on later requests is not decoded and its signature checked again (authn/tokens.py);
    # its expiry and everything after the decoding are still checked on every request. 0: never kept.
    "VERIFIED_ACCESS_TOKEN_TTL": timedelta(seconds=60),
    # How long the audit log (AuthEvent) keeps its rows; a daily task deletes older ones.
    "AUDIT_LOG_RETENTION": timedelta(days=90),
    # Social login (social/, docs/social-login.md): the OpenID Connect providers by key, each
    # {"name", "issuer", "client_id", "client_secret", ...}, one login scenario `oidc-<key>` each; the
    # frontend URLs a flow may return to; whether a provider's verified email signs in the account that has it.
    "OIDC_PROVIDERS": {},
    "OIDC_ALLOWED_REDIRECT_URIS": [],
    "OIDC_LINK_BY_EMAIL": True,
    # How long a provider's discovery document is kept; its JWKS is fetched again on an unknown `kid`,
    # at most once per interval across all processes.
    "OIDC_DISCOVERY_TTL": timedelta(hours=1),
    "OIDC_JWKS_REFETCH_INTERVAL": timedelta(seconds=30),
    # How long one request to a provider may take, and the clock skew allowed on an ID token's exp and iat.
    "OIDC_HTTP_TIMEOUT": timedelta(seconds=5),
    "OIDC_ID_TOKEN_LEEWAY": timedelta(seconds=60),
    # Second factors (mfa/, docs/mfa.md). Fernet keys (urlsafe base64 of 32 bytes) that encrypt TOTP secrets:
    # the first encrypts, all decrypt (a rotation puts the new key first). The TOTP issuer shown by
    # authenticator apps (empty: SITE_NAME), and how many recovery codes a set holds.
    "MFA_ENCRYPTION_KEYS": [],
    "MFA_TOTP_ISSUER": "",
    "MFA_RECOVERY_CODE_COUNT": 10,
    # Passkeys (WebAuthn): the relying party id (the site's domain), its name (empty: SITE_NAME), the origins
    # whose ceremonies are accepted, and how long a registration's challenge waits for its answer.
    "WEBAUTHN_RP_ID": "",
    "WEBAUTHN_RP_NAME": "",
    "WEBAUTHN_ORIGINS": [],
    "WEBAUTHN_CHALLENGE_TTL": timedelta(minutes=5),
    # Whether staff must have a second factor to sign in to the admin (a staff user who has one is always asked).
    "MFA_REQUIRED_FOR_STAFF": False,
    # With DEBUG on and authn.dev_auto_login.DevAutoLoginAuthentication listed, requests without
    # credentials act as the user with this email (local settings read DJANGO_DEV_AUTO_LOGIN_EMAIL).
    "DEV_AUTO_LOGIN_EMAIL": "",
}

IMPORT_STRINGS = (
    "ADAPTER",
    "LOGIN_SCENARIOS",
    "USER_SERIALIZER",
    "TOKEN_TRANSPORT",
    "EXTRA_ACCESS_CLAIMS",
    "JWKS_CLIENT",
    "REMOTE_USER_CLAIMS_MAPPER",
)


def is_duration_setting(name: str) -> bool:
    """Whether the setting `name` is a duration (its default is a timedelta)."""
    return isinstance(DEFAULTS.get(name), timedelta)


def as_duration(value: Any) -> Any:
    """A number of seconds as a timedelta; anything else as it is (the system check judges it)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    return value


class GatehouseSettings(APISettings):
    """DRF's settings reader, pointed at the `GATEHOUSE` dict instead of `REST_FRAMEWORK`."""

    def __getattr__(self, name: str) -> Any:
        value = super().__getattr__(name)
        if is_duration_setting(name):
            value = as_duration(value)
            setattr(self, name, value)
        return value

    @property
    def user_settings(self) -> dict[str, Any]:
        if not hasattr(self, "_user_settings"):
            self._user_settings = getattr(settings, SETTINGS_NAME, {})
        return self._user_settings


# The stubs type `defaults` as REST_FRAMEWORK's own keys; this reader has keys of its own.
gatehouse_settings = GatehouseSettings(defaults=DEFAULTS, import_strings=IMPORT_STRINGS)  # type: ignore[arg-type]


# Cookie name prefixes (RFC 6265bis section 4.1.3): a browser accepts a `__Secure-` cookie only
# with Secure, and a `__Host-` cookie only with Secure, Path=/ and no Domain, so that no other
# host of the site, and no plain-HTTP page, can plant a cookie of that name.
HOST_PREFIX = "__Host-"
SECURE_PREFIX = "__Secure-"
COOKIE_NAME_PREFIXES = (HOST_PREFIX, SECURE_PREFIX)


class AuthCookieNames(NamedTuple):
    """The names of the access and refresh cookies, as browsers see them."""

    access: str
    refresh: str


def auth_cookies_are_secure() -> bool:
    """Whether the auth cookies are Secure: AUTH_COOKIE_SECURE, or when it is None, outside DEBUG."""
    secure = gatehouse_settings.AUTH_COOKIE_SECURE
    return not settings.DEBUG if secure is None else bool(secure)


@functools.cache
def auth_cookie_names() -> AuthCookieNames:
    """The access and refresh cookie names: the one place that decides them, for every app that reads them.

    Secure cookies carry a prefix: `__Host-` for the access cookie (Path=/, host-only), or
    `__Secure-` when AUTH_COOKIE_DOMAIN shares it with other hosts; `__Secure-` for the refresh
    cookie, whose narrow Path rules out `__Host-`. Without Secure (a dev server on plain
    http://) the names are unprefixed, since browsers refuse prefixed cookies that are not
    Secure. A configured name that already starts with a prefix is kept as it is (the system
    check gatehouse.E033 refuses one that its attributes break).
    """
    access, refresh = gatehouse_settings.AUTH_COOKIE_ACCESS_NAME, gatehouse_settings.AUTH_COOKIE_REFRESH_NAME
    if not auth_cookies_are_secure():
        return AuthCookieNames(access, refresh)
    access_prefix = SECURE_PREFIX if gatehouse_settings.AUTH_COOKIE_DOMAIN else HOST_PREFIX
    return AuthCookieNames(with_prefix(access, access_prefix), with_prefix(refresh, SECURE_PREFIX))


# The header in which app clients, which keep no cookies, present the device token of device trust.
DEVICE_TOKEN_HEADER = "Device-Token"  # noqa: S105 (a header name, not a secret)


def device_cookie_name() -> str:
    """The device cookie's name: `__Secure-` before DEVICE_COOKIE_NAME where it is Secure (its Path is the login's)."""
    name = gatehouse_settings.DEVICE_COOKIE_NAME
    return with_prefix(name, SECURE_PREFIX) if auth_cookies_are_secure() else name


def with_prefix(name: str, prefix: str) -> str:
    """`name` with `prefix` before it, unless it already has a prefix (browsers match them in any case)."""
    return name if name.lower().startswith(tuple(p.lower() for p in COOKIE_NAME_PREFIXES)) else f"{prefix}{name}"


def reload_gatehouse_settings(*, setting: str, **kwargs: Any) -> None:
    """Pick up `override_settings(GATEHOUSE=...)` in tests: the object stays, its values reload."""
    if setting == SETTINGS_NAME:
        gatehouse_settings.reload()
    if setting in (SETTINGS_NAME, "DEBUG"):
        auth_cookie_names.cache_clear()


setting_changed.connect(reload_gatehouse_settings)
