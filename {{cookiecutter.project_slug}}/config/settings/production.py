"""Production settings: everything comes from the environment, and nothing has a dev default.

Missing required variables stop the process at start, all named in one message. The
`.env` file is not read unless DJANGO_READ_DOT_ENV_FILE=true (base.py).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, {% if cookiecutter.task_broker == "redis" %}REDIS_URL, {% endif %}SPECTACULAR_SETTINGS, env

# REQUIRED ENVIRONMENT
# ------------------------------------------------------------------------------
# Checked all at once, so that a first deployment learns every missing name from one start.
REQUIRED_VARIABLES = [
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    {%- if cookiecutter.auth_role == "client_service" %}
    "AUTH_SERVICE_URL",
    {%- else %}
    "EMAIL_HOST",
    {%- if cookiecutter.signing_algorithm == "HS256" %}
    "JWT_SIGNING_KEY",
    {%- else %}
    "JWT_PRIVATE_KEY",
    {%- endif %}
    {%- if cookiecutter.use_mfa == "y" %}
    "MFA_ENCRYPTION_KEYS",
    {%- endif %}
    {%- endif %}
    {%- if cookiecutter.task_broker == "rabbitmq" %}
    "CELERY_BROKER_URL",
    {%- endif %}
]
if missing := [name for name in REQUIRED_VARIABLES if not env(name, default="")]:
    raise ImproperlyConfigured(f"Set the environment variables {', '.join(missing)} (production requires them).")

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env("DJANGO_SECRET_KEY")
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["{{ cookiecutter.domain_name }}"])

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/databases/#persistent-connections
DATABASES["default"] = env.db("DATABASE_URL")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production (postgres://...).")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Before reusing a persistent connection, each request checks it with a `SELECT 1` round trip
# (docs/benchmarks.md measures it), so that a database restart costs no failed request. Turn it
# off with CONN_HEALTH_CHECKS=false where connections are never cut under the workers.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)

# CACHES
# ------------------------------------------------------------------------------
# Flows, codes and lockout counters must be shared by every web process: base.py
# configures the Redis cache from REDIS_URL, which production requires.

# CELERY
# ------------------------------------------------------------------------------
# Emails are sent by workers: tasks never run inline in production.
{%- if cookiecutter.task_broker == "rabbitmq" %}
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
{%- else %}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
{%- endif %}
CELERY_TASK_ALWAYS_EAGER = False

# SECURITY
# ------------------------------------------------------------------------------
# Set DJANGO_SECURE_PROXY_SSL_HEADER=true behind a proxy that terminates TLS and sets X-Forwarded-Proto.
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-proxy-ssl-header
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-ssl-redirect
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers probe the health check over plain HTTP. The API is not redirected either: it
# refuses plain HTTP with a 403 (api/https_only.py), so that a client sending credentials in
# clear text fails visibly instead of following a redirect.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^api/"]
# https://docs.djangoproject.com/en/5.2/ref/settings/#session-cookie-secure
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
# https://docs.djangoproject.com/en/5.2/ref/settings/#csrf-cookie-secure
CSRF_COOKIE_SECURE = True
# https://docs.djangoproject.com/en/5.2/ref/middleware/#http-strict-transport-security
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# STATIC
# ------------------------------------------------------------------------------
# https://whitenoise.readthedocs.io/en/stable/django.html
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# DRF-SPECTACULAR
# ------------------------------------------------------------------------------
# The schema and the docs page show the whole API surface: in production only staff,
# signed in to the admin, see them.
SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] = ["rest_framework.permissions.IsAdminUser"]
SPECTACULAR_SETTINGS["SERVE_AUTHENTICATION"] = ["rest_framework.authentication.SessionAuthentication"]

# SENTRY
# ------------------------------------------------------------------------------
# Error reports (and, when SENTRY_TRACES_SAMPLE_RATE is above 0, traces) go to Sentry once
# SENTRY_DSN is set; the api app starts the client with options that keep credentials out
# of the reports ({{ cookiecutter.project_slug }}/api/sentry.py).
# https://docs.sentry.io/platforms/python/integrations/django/
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_RELEASE = env("SENTRY_RELEASE", default=None)
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
