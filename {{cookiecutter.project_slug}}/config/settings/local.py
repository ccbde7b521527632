"""Settings for a developer's machine: the embedded default needs no server at all."""

from .base import *  # noqa: F403
from .base import EMAIL_HOST, {% if cookiecutter.auth_role == "client_service" or cookiecutter.use_dev_auto_login == "y" or cookiecutter.use_mfa == "y" or (cookiecutter.use_social_login == "y" and cookiecutter.use_account_pages == "y") %}GATEHOUSE, {% endif %}LOGGING, REST_FRAMEWORK{% if cookiecutter.auth_role != "client_service" %}, SIMPLE_JWT{% endif %}, env

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Written to .env by scripts/write_env_file.py; there is deliberately no built-in fallback.
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env("DJANGO_SECRET_KEY")
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# FRONTENDS
# ------------------------------------------------------------------------------
# A frontend's dev server (Vite's port 5173) and this one, under either loopback name: their
# requests pass CORS and the CSRF Origin check without any setting (docs/frontend.md).
LOCAL_FRONTEND_ORIGINS = [
    "http://localhost:5173",
    "http://127.0.0.1:5173",
    "http://localhost:8000",
    "http://127.0.0.1:8000",
]
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS", default=LOCAL_FRONTEND_ORIGINS)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=LOCAL_FRONTEND_ORIGINS)
# Read again for this module's DEBUG: a Secure cookie would not be sent back over plain http://.
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
{%- if cookiecutter.use_account_pages == "y" and cookiecutter.auth_role != "client_service" %}
# Emailed links open the account pages where `make serve` serves them: its HOST_PORT, which it passes
# as DJANGO_SERVE_ADDRESS (`host:port`, or a port alone, as runserver takes it). Never the Host of a request.
SERVE_ADDRESS = env("DJANGO_SERVE_ADDRESS", default="127.0.0.1:8000")
if ":" not in SERVE_ADDRESS:
    SERVE_ADDRESS = f"127.0.0.1:{SERVE_ADDRESS}"
FRONTEND_URL = env("FRONTEND_URL", default=f"http://{SERVE_ADDRESS}")
{%- if cookiecutter.use_social_login == "y" %}
# The account pages' social callback on that server.
GATEHOUSE["OIDC_ALLOWED_REDIRECT_URIS"] = env.list("OIDC_ALLOWED_REDIRECT_URIS", default=[f"{FRONTEND_URL}/signed-in"])
{%- endif %}
{%- endif %}

# JSON WEB TOKENS
# ------------------------------------------------------------------------------
# From the environment (.env, written by scripts/write_env_file.py), with no built-in
# fallback: a missing variable stops the start, naming it.
{%- if cookiecutter.auth_role == "client_service" %}
GATEHOUSE["AUTH_SERVICE_URL"] = env("AUTH_SERVICE_URL")
{%- elif cookiecutter.signing_algorithm == "HS256" %}
SIMPLE_JWT["SIGNING_KEY"] = env("JWT_SIGNING_KEY")
{%- else %}
SIMPLE_JWT["SIGNING_KEY"] = env.str("JWT_PRIVATE_KEY", multiline=True)
{%- endif %}
{%- if cookiecutter.auth_role != "client_service" and cookiecutter.use_mfa == "y" %}
# The key that encrypts TOTP secrets, and passkeys for a dev server on http://localhost (an IP
# address cannot be a relying party id).
GATEHOUSE["MFA_ENCRYPTION_KEYS"] = env.list("MFA_ENCRYPTION_KEYS")
GATEHOUSE["WEBAUTHN_RP_ID"] = env("WEBAUTHN_RP_ID", default="localhost")
GATEHOUSE["WEBAUTHN_ORIGINS"] = env.list(
    "WEBAUTHN_ORIGINS", default=["http://localhost:8000", "http://localhost:5173"]
)
{%- endif %}

# LOGGING
# ------------------------------------------------------------------------------
# Plain lines on a developer's console; DJANGO_LOG_FORMAT=json shows what production writes.
LOGGING["handlers"]["console"]["formatter"] = env("DJANGO_LOG_FORMAT", default="text")

# STATIC
# ------------------------------------------------------------------------------
# Serve static files from the apps, with no collectstatic.
# https://whitenoise.readthedocs.io/en/stable/django.html#WHITENOISE_USE_FINDERS
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# EMAIL
# ------------------------------------------------------------------------------
if not EMAIL_HOST:
    # https://docs.djangoproject.com/en/5.2/topics/email/#console-backend
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
# The browsable API helps while developing; production answers JSON only.
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    *REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"],
    "rest_framework.renderers.BrowsableAPIRenderer",
]
{%- if cookiecutter.use_dev_auto_login == "y" %}

# DEV AUTO LOGIN
# ------------------------------------------------------------------------------
# With DEBUG on and DJANGO_DEV_AUTO_LOGIN_EMAIL set, a request without credentials acts as
# that user, created on first use ({{ cookiecutter.project_slug }}/authn/dev_auto_login.py).
# Only these settings turn it on: production's `check --deploy` refuses it (api.E004).
GATEHOUSE["DEV_AUTO_LOGIN_EMAIL"] = env("DJANGO_DEV_AUTO_LOGIN_EMAIL", default="")
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    *REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    "{{ cookiecutter.project_slug }}.authn.dev_auto_login.DevAutoLoginAuthentication",
]
{%- endif %}
