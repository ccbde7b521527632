"""Settings shared by every environment; local, test and production override what they must.

Values come from the environment (12-factor); the names are listed in docs/configuration.md.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
{%- if cookiecutter.token_transport == "both" %}
from corsheaders.defaults import default_headers
{%- endif %}
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APPS_DIR = BASE_DIR / "{{ cookiecutter.project_slug }}"

env = environ.Env()
# A `.env` file beside manage.py fills in what the real environment leaves unset: on a
# developer's machine and in tests (it holds the embedded default's secrets), and in
# production only with DJANGO_READ_DOT_ENV_FILE=true, where the deployment sets the environment.
READS_DOT_ENV_BY_DEFAULT = not env("DJANGO_SETTINGS_MODULE", default="").endswith(".production")
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=READS_DOT_ENV_BY_DEFAULT):
    env.read_env(BASE_DIR / ".env")

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# https://docs.djangoproject.com/en/5.2/ref/settings/#time-zone
TIME_ZONE = "{{ cookiecutter.timezone }}"
# https://docs.djangoproject.com/en/5.2/topics/i18n/translation/
# Error details and emails follow the request's Accept-Language among LANGUAGES; each app keeps its
# catalogue in <app>/locale/ (`make messages` compiles them). Error codes never change with the language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
]
USE_I18N = True
USE_TZ = True

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {
    {%- if cookiecutter.database == "postgresql" %}
    "default": env.db("DATABASE_URL", default="postgres:///{{ cookiecutter.project_slug }}"),
    {%- else %}
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    {%- endif %}
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes share the file (runserver or gunicorn's workers, a Celery worker): a transaction
    # takes the write lock when it begins and waits for it, instead of failing midway with "database is
    # locked", and readers are not blocked by a writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
# https://docs.djangoproject.com/en/5.2/ref/settings/#std-setting-DEFAULT_AUTO_FIELD
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHES
# ------------------------------------------------------------------------------
# Login flows, one-time codes, the client addresses' lockout counters and the email caps
# live in the cache (accounts' lockouts are in the database), so every web
# process must see the same one: Redis when REDIS_URL is set, else a database table
# (created by `migrate`) that all processes of one machine share.
# https://docs.djangoproject.com/en/5.2/topics/cache/
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # Fail loudly: a silently missing cache would turn lockouts off.
                "IGNORE_EXCEPTIONS": False,
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }

# URLS
# ------------------------------------------------------------------------------
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
]
THIRD_PARTY_APPS = [
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    # For its translated messages only: it has no models.
    "rest_framework_simplejwt",
    {%- if cookiecutter.auth_role != "client_service" %}
    "rest_framework_simplejwt.token_blacklist",
    {%- endif %}
]
LOCAL_APPS = [
    "{{ cookiecutter.project_slug }}.api",
    "{{ cookiecutter.project_slug }}.users",
    "{{ cookiecutter.project_slug }}.authn",
    {%- if cookiecutter.auth_role == "client_service" %}
    "{{ cookiecutter.project_slug }}.remote",
    {%- else %}
    "{{ cookiecutter.project_slug }}.login",
    "{{ cookiecutter.project_slug }}.sessions",
    "{{ cookiecutter.project_slug }}.accounts",
    "{{ cookiecutter.project_slug }}.mail",
    {%- if cookiecutter.use_mfa == "y" %}
    "{{ cookiecutter.project_slug }}.mfa",
    {%- endif %}
    # After mfa: its `device` step gives way to a second factor's.
    "{{ cookiecutter.project_slug }}.devices",
    {%- endif %}
    {%- if cookiecutter.use_social_login == "y" and cookiecutter.auth_role != "client_service" %}
    "{{ cookiecutter.project_slug }}.social",
    {%- endif %}
    {%- if cookiecutter.use_account_pages == "y" and cookiecutter.auth_role != "client_service" %}
    "{{ cookiecutter.project_slug }}.pages",
    {%- endif %}
    "{{ cookiecutter.project_slug }}.audit",
]
# https://docs.djangoproject.com/en/5.2/ref/settings/#installed-apps
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# AUTHENTICATION
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/auth/customizing/
AUTH_USER_MODEL = "users.User"
{%- if cookiecutter.auth_role == "client_service" %}
# No passwords here: staff sign in to the admin with their auth service credentials.
AUTHENTICATION_BACKENDS = ["{{ cookiecutter.project_slug }}.remote.backends.AuthServiceBackend"]
{%- else %}
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
{%- endif %}

# PASSWORDS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/auth/passwords/#using-argon2-with-django
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# https://docs.djangoproject.com/en/5.2/ref/settings/#auth-password-validators
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MIDDLEWARE
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#middleware
MIDDLEWARE = [
    # First, so that every response and every log record, whichever middleware made it, has the id.
    "{{ cookiecutter.project_slug }}.api.request_id.RequestIdMiddleware",
    # Early, so that every answer, the refusals of the middleware below included, is in the request's language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "{{ cookiecutter.project_slug }}.api.https_only.HttpsOnlyApiMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Every error answer from here in is JSON, whichever layer wrote it (WhiteNoise's 405 included).
    "{{ cookiecutter.project_slug }}.api.errors.JsonErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    {%- if cookiecutter.token_transport != "header" %}
    # Before CsrfViewMiddleware, so that it can add Partitioned to the csrftoken cookie which that one sets.
    "{{ cookiecutter.project_slug }}.authn.transports.csrf.PartitionedCsrfCookieMiddleware",
    {%- endif %}
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# STATIC
# ------------------------------------------------------------------------------
# The API docs page's assets (drf-spectacular-sidecar) are served from here, never a CDN.
# https://docs.djangoproject.com/en/5.2/ref/settings/#static-root
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"

# TEMPLATES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#templates
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [APPS_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SECURITY
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-content-type-nosniff
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-referrer-policy
SECURE_REFERRER_POLICY = "no-referrer"
# https://docs.djangoproject.com/en/5.2/ref/settings/#csrf-failure-view
CSRF_FAILURE_VIEW = "{{ cookiecutter.project_slug }}.api.errors.csrf_failure"
# Origins other than this host's own whose unsafe requests pass the CSRF check: a frontend on another
# origin (exact scheme://host[:port]). https://docs.djangoproject.com/en/5.2/ref/settings/#csrf-trusted-origins
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The `csrftoken` cookie, whose token a frontend sends back as X-CSRFToken: SameSite=None (and, in
# GATEHOUSE, Partitioned) for a frontend on another site. Secure unless DEBUG, as the auth cookies are;
# production makes it Secure whatever DJANGO_CSRF_COOKIE_SECURE says.
# https://docs.djangoproject.com/en/5.2/ref/settings/#csrf-cookie-samesite
CSRF_COOKIE_SAMESITE = env("DJANGO_CSRF_COOKIE_SAMESITE", default="Lax")
CSRF_COOKIE_DOMAIN = env("DJANGO_CSRF_COOKIE_DOMAIN", default=None)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)

# EMAIL
# ------------------------------------------------------------------------------
# Outgoing mail goes through SMTP; local settings print it to the console instead
# unless EMAIL_HOST is set.
# https://docs.djangoproject.com/en/5.2/topics/email/#smtp-backend
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
# https://docs.djangoproject.com/en/5.2/ref/settings/#default-from-email
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL",
    default="{{ cookiecutter.project_name }} <noreply@{{ cookiecutter.domain_name }}>",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10
{%- if cookiecutter.use_account_pages == "y" and cookiecutter.auth_role != "client_service" %}
# Base of the links that emails carry (activation, password reset, email change): by default the
# account pages (pages/) that this project serves on its own domain. Never the Host of a request.
FRONTEND_URL = env("FRONTEND_URL", default="https://{{ cookiecutter.domain_name }}")
{%- else %}
# Base of the links that emails carry (activation, password reset, email change): the frontend that
# takes them. `check --deploy` refuses an empty or plain-HTTP one (accounts.E001).
FRONTEND_URL = env("FRONTEND_URL", default="")
{%- endif %}

# ADMIN
# ------------------------------------------------------------------------------
ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")
ADMINS = [("{{ cookiecutter.author_name }}", "{{ cookiecutter.email }}")]
MANAGERS = ADMINS

# LOGGING
# ------------------------------------------------------------------------------
# One JSON object per line on stderr, each with the id of its request (DJANGO_LOG_FORMAT=text
# gives plain lines). JSON encoding escapes line breaks and quotes, so user input that ends
# up in a message cannot forge a log line of its own.
# https://docs.djangoproject.com/en/5.2/topics/logging/
# A dict of anything (mixed values), so that local.py may change a nested one.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "{{ cookiecutter.project_slug }}.api.request_id.RequestIdLogFilter"},
    },
    "formatters": {
        # https://nhairs.github.io/python-json-logger/latest/
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message", "request_id"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            # Django attaches the HttpRequest to some records, and its text is the full URL with
            # the query string, where activation and password-reset links carry their tokens.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
        "text": {"format": "%(levelname)s %(asctime)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "level": "DEBUG",
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env("DJANGO_LOG_FORMAT", default="json"),
        },
    },
    "root": {"level": env("DJANGO_LOG_LEVEL", default="INFO"), "handlers": ["console"]},
    "loggers": {
        # Through the root handler only: Django's own handlers would print unstructured lines,
        # and email every server error (request data included) to ADMINS.
        "django": {"level": "INFO", "handlers": [], "propagate": True},
    },
}
# Adopt the X-Request-ID header of the proxy in front instead of making a new id. Only turn
# this on when that proxy sets the header on every request, replacing any a client sent.
TRUST_X_REQUEST_ID = env.bool("DJANGO_TRUST_X_REQUEST_ID", default=False)

# CELERY
# ------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# Without a broker, tasks run inline in the web process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged once it has run, and given back if its worker dies, so a crash loses no email.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
# Workers log through LOGGING above (JSON, with request ids) instead of installing their own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Periodic tasks, queued by one `celery -A config.celery_app beat` process per deployment.
# https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html
CELERY_BEAT_SCHEDULE = {
    {%- if cookiecutter.auth_role != "client_service" %}
    "flush-expired-tokens": {
        "task": "{{ cookiecutter.project_slug }}.sessions.tasks.flush_expired_tokens",
        "schedule": crontab(hour=3, minute=30),
    },
    # Emails that were not delivered (broker or mail server down) are queued again.
    "drain-email-outbox": {
        "task": "{{ cookiecutter.project_slug }}.mail.tasks.drain_outbox",
        "schedule": timedelta(minutes=1),
    },
    "purge-email-outbox": {
        "task": "{{ cookiecutter.project_slug }}.mail.tasks.purge_outbox",
        "schedule": crontab(hour=3, minute=45),
    },
    # Refresh-token families end by themselves; their rows go a day later.
    "purge-refresh-families": {
        "task": "{{ cookiecutter.project_slug }}.sessions.tasks.purge_refresh_families",
        "schedule": crontab(hour=4, minute=15),
    },
    # Counts of wrong answers whose window is over; a lock until a password reset stays.
    "purge-account-lockouts": {
        "task": "{{ cookiecutter.project_slug }}.login.tasks.purge_account_lockouts",
        "schedule": crontab(hour=4, minute=30),
    },
    {%- endif %}
    # The audit log keeps GATEHOUSE["AUDIT_LOG_RETENTION"].
    "purge-audit-log": {
        "task": "{{ cookiecutter.project_slug }}.audit.tasks.purge_audit_log",
        "schedule": crontab(hour=4, minute=0),
    },
}
# Web requests publish email tasks: when the broker is down, publishing must fail within
# seconds (the email waits in the outbox), never hang the request.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
# A dict of anything (mixed values), so that local.py may extend its lists.
REST_FRAMEWORK: dict[str, Any] = {
    {%- if cookiecutter.auth_role == "client_service" %}
    # Tokens of the auth service, verified here against its JWKS; the user is the local copy.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "{{ cookiecutter.project_slug }}.remote.authentication.RemoteJWTAuthentication",
    ],
    {%- else %}
    "DEFAULT_AUTHENTICATION_CLASSES": ["{{ cookiecutter.project_slug }}.authn.authentication.JWTAuthentication"],
    {%- endif %}
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "{{ cookiecutter.project_slug }}.api.parsers.StrictJSONParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Every status and error code of each operation in the OpenAPI schema (api/openapi.py).
    "DEFAULT_SCHEMA_CLASS": "{{ cookiecutter.project_slug }}.api.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

# https://drf-standardized-errors.readthedocs.io/en/latest/settings.html
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "{{ cookiecutter.project_slug }}.api.errors.ApiExceptionHandler",
}

# GATEHOUSE (authentication)
# ------------------------------------------------------------------------------
# Every setting and its default: {{ cookiecutter.project_slug }}/authn/conf.py.
GATEHOUSE = {
    {%- if cookiecutter.auth_role != "client_service" %}
    # Offered by GET /api/auth/options/ in this order; add your own scenario classes here.
    "LOGIN_SCENARIOS": [
        {%- if cookiecutter.use_password_login == "y" %}
        "{{ cookiecutter.project_slug }}.login.scenarios.PasswordScenario",
        {%- endif %}
        {%- if cookiecutter.use_email_code_login == "y" %}
        "{{ cookiecutter.project_slug }}.login.scenarios.EmailCodeScenario",
        {%- endif %}
        {%- if cookiecutter.use_password_then_email_code == "y" %}
        "{{ cookiecutter.project_slug }}.login.scenarios.PasswordAndEmailCodeScenario",
        {%- endif %}
        {%- if cookiecutter.use_mfa == "y" %}
        "{{ cookiecutter.project_slug }}.mfa.scenarios.PasskeyScenario",
        {%- endif %}
    ],
    {%- endif %}
    # Where tokens travel (the token_transport answer; authn/transports/).
    {%- if cookiecutter.token_transport == "cookie" %}
    "TOKEN_TRANSPORT": "{{ cookiecutter.project_slug }}.authn.transports.cookie.CookieTransport",
    {%- elif cookiecutter.token_transport == "both" %}
    "TOKEN_TRANSPORT": "{{ cookiecutter.project_slug }}.authn.transports.both.HeaderOrCookieTransport",
    {%- else %}
    "TOKEN_TRANSPORT": "{{ cookiecutter.project_slug }}.authn.transports.header.HeaderTransport",
    {%- endif %}
    {%- if cookiecutter.token_transport != "header" %}
    # The access and refresh cookies, set for the frontend that docs/frontend.md describes: SameSite
    # ("Lax", or "None" for a frontend on another site), Secure (unset: unless DEBUG), Domain (unset:
    # host-only, with the __Host- prefix), Partitioned (CHIPS), and Partitioned for the csrftoken cookie.
    "AUTH_COOKIE_SAMESITE": env("DJANGO_AUTH_COOKIE_SAMESITE", default="Lax"),
    "AUTH_COOKIE_SECURE": env.bool("DJANGO_AUTH_COOKIE_SECURE", default=None),
    "AUTH_COOKIE_DOMAIN": env("DJANGO_AUTH_COOKIE_DOMAIN", default=None),
    "AUTH_COOKIE_PARTITIONED": env.bool("DJANGO_AUTH_COOKIE_PARTITIONED", default=False),
    "CSRF_COOKIE_PARTITIONED": env.bool("DJANGO_CSRF_COOKIE_PARTITIONED", default=False),
    {%- endif %}
    # Proxies in front that append to X-Forwarded-For: the lockouts' client address is that many
    # entries from the right. Behind a proxy, leaving it 0 counts every client as the proxy.
    "TRUSTED_PROXY_COUNT": env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0),
    "SITE_NAME": "{{ cookiecutter.project_name }}",
    {%- if cookiecutter.auth_role != "client_service" %}
    # Device trust (docs/devices.md): a password login from a device the account does not know answers an
    # emailed code first (step `device`); a user with a second factor answers that instead.
    "DEVICE_TRUST": env.bool("DEVICE_TRUST", default=False),
    {%- endif %}
    {%- if cookiecutter.use_social_login == "y" and cookiecutter.auth_role != "client_service" %}
    # OpenID Connect providers as JSON, {"<key>": {"name", "issuer", "client_id", "client_secret"}}, each
    # offered as the login scenario `oidc-<key>`, and the frontend URLs their flows may return to
    # (docs/social-login.md).
    "OIDC_PROVIDERS": env.json("OIDC_PROVIDERS", default={}),
    {%- if cookiecutter.use_account_pages == "y" %}
    # By default the account pages' own callback (pages/), where FRONTEND_URL serves them.
    "OIDC_ALLOWED_REDIRECT_URIS": env.list("OIDC_ALLOWED_REDIRECT_URIS", default=[f"{FRONTEND_URL}/signed-in"]),
    {%- else %}
    "OIDC_ALLOWED_REDIRECT_URIS": env.list("OIDC_ALLOWED_REDIRECT_URIS", default=[]),
    {%- endif %}
    "OIDC_LINK_BY_EMAIL": env.bool("OIDC_LINK_BY_EMAIL", default=True),
    {%- endif %}
    {%- if cookiecutter.auth_role == "auth_service" %}
    # Access tokens carry what client services copy of the user (email, names, staff flags).
    "USER_CLAIMS_IN_ACCESS_TOKENS": True,
    # More PEM public keys, published in the JWKS and accepted: the next key before it signs, or
    # the previous one until its tokens have expired (docs/remote-split.md, `manage.py jwt_keys`).
    "EXTRA_VERIFYING_KEYS": env.str("JWT_PUBLIC_KEYS", multiline=True, default=""),
    {%- elif cookiecutter.auth_role == "client_service" %}
    # Tokens are the auth service's, verified with the keys of its JWKS (remote/jwks.py).
    "AUTH_SERVICE_URL": env("AUTH_SERVICE_URL", default=""),
    "JWKS_CLIENT": "{{ cookiecutter.project_slug }}.remote.jwks.CachedJWKSClient",
    {%- endif %}
    {%- if cookiecutter.auth_role != "client_service" and cookiecutter.use_mfa == "y" %}
    # Second factors (mfa/): the Fernet keys that encrypt TOTP secrets at rest, comma-separated; the first
    # encrypts, every one decrypts, so that a new key goes first and the old one stays until `manage.py
    # rotate_mfa_keys` has run. The passkeys' relying party: its id (a domain) and the origins allowed to use it.
    "MFA_ENCRYPTION_KEYS": env.list("MFA_ENCRYPTION_KEYS", default=[]),
    "WEBAUTHN_RP_ID": env("WEBAUTHN_RP_ID", default="{{ cookiecutter.domain_name }}"),
    "WEBAUTHN_ORIGINS": env.list("WEBAUTHN_ORIGINS", default=["https://{{ cookiecutter.domain_name }}"]),
    {%- endif %}
}

# SIMPLE JWT (access and refresh tokens)
# ------------------------------------------------------------------------------
# https://django-rest-framework-simplejwt.readthedocs.io/en/latest/settings.html
{%- if cookiecutter.auth_role == "client_service" %}
# This service holds no key: it verifies the auth service's tokens with the keys of its JWKS.
# SIGNING_KEY is None so that nothing can fall back to SECRET_KEY (simplejwt's default).
{%- elif cookiecutter.signing_algorithm == "HS256" %}
# JWT_SIGNING_KEY: its own random value, never SECRET_KEY (which simplejwt would fall back to).
# Local and production settings require it; the system checks refuse a short or reused one.
{%- else %}
# JWT_PRIVATE_KEY: a PEM private key, newlines written as \n; tokens are verified with its public
# half (authn/tokens.py). Local and production settings require it.
{%- endif %}
SIMPLE_JWT = {
    "ALGORITHM": "{{ cookiecutter.signing_algorithm }}",
    {%- if cookiecutter.auth_role == "client_service" %}
    "SIGNING_KEY": None,
    {%- elif cookiecutter.signing_algorithm == "HS256" %}
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default=None),
    {%- else %}
    "SIGNING_KEY": env.str("JWT_PRIVATE_KEY", multiline=True, default="") or None,
    {%- endif %}
    "VERIFYING_KEY": None,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    # Each refresh token works once: a refresh returns a new one and blacklists the old.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    # complete_login() sends user_logged_in, whose receiver updates last_login.
    "UPDATE_LAST_LOGIN": False,
    # request.user with TOKEN_USER_SOURCE="claims": the claims the token carries, the row read lazily for the rest.
    "TOKEN_USER_CLASS": "{{ cookiecutter.project_slug }}.authn.token_user.ClaimsUser",
    # Tokens name who issued them and for whom; both are checked exactly on every token.
    {%- if cookiecutter.auth_role != "client_service" %}
    # Refresh tokens, which only this issuer reads, are for AUDIENCE + "/refresh" (sessions/service.py).
    {%- endif %}
    "ISSUER": env("JWT_ISSUER", default="https://{{ cookiecutter.domain_name }}"),
    "AUDIENCE": env("JWT_AUDIENCE", default="https://{{ cookiecutter.domain_name }}/api"),
    # Clock skew tolerated on exp/nbf/iat; raise it a few seconds if verifying machines' clocks drift.
    "LEEWAY": timedelta(seconds=0),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    # RFC 9068: an access token names its user in `sub`, where every JWT library looks.
    "USER_ID_CLAIM": "sub",
    "AUTH_TOKEN_CLASSES": ("{{ cookiecutter.project_slug }}.authn.tokens.AccessToken",),
    "CHECK_USER_IS_ACTIVE": True,
}

# django-cors-headers: https://github.com/adamchainz/django-cors-headers#setup
# A frontend on another origin calls the API from these origins only (exact scheme://host[:port]).
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS", default=[])
{%- if cookiecutter.token_transport == "header" %}
CORS_ALLOW_CREDENTIALS = False
{%- else %}
# Browsers send the auth cookies cross-origin only to origins allowed exactly above, never to "*".
CORS_ALLOW_CREDENTIALS = True
{%- endif %}
{%- if cookiecutter.token_transport == "both" %}
# `Prefer: token-transport=body` chooses where a login's tokens go (authn/transports/both.py).
CORS_ALLOW_HEADERS = (*default_headers, "prefer")
CORS_EXPOSE_HEADERS = ["Preference-Applied"]
{%- endif %}

# drf-spectacular: https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "{{ cookiecutter.project_name }}",
    "DESCRIPTION": "{{ cookiecutter.description }}",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The `status` of each member of the login answer's union is an enum of one value (authn/serializers.py).
    "ENUM_NAME_OVERRIDES": {
        "LoginNeedsStepStatusEnum": ["needs_step"],
        "LoginCompleteStatusEnum": ["complete"],
    },
    {%- if cookiecutter.auth_role != "client_service" %}
    # One login operation per enabled scenario, with its own step bodies.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "{{ cookiecutter.project_slug }}.login.openapi.add_scenario_operations",
    ],
    {%- endif %}
}
