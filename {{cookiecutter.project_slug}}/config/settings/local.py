"""Settings for a developer's machine: the embedded default needs no server at all."""
{%- if cookiecutter.auth_role == "client_service" %}

from {{ cookiecutter.project_slug }}.authn.keys import split_public_keys_pem
{%- elif cookiecutter.signing_algorithm != "HS256" %}

from {{ cookiecutter.project_slug }}.authn.keys import public_key_pem
{%- endif %}

from .base import *  # noqa: F403
from .base import EMAIL_HOST, {% if cookiecutter.auth_role == "client_service" %}GATEHOUSE, {% endif %}LOGGING, REST_FRAMEWORK, SIMPLE_JWT, env

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Written to .env by scripts/write_env_file.py; there is deliberately no built-in fallback.
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env("DJANGO_SECRET_KEY")
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# JSON WEB TOKENS
# ------------------------------------------------------------------------------
{%- if cookiecutter.auth_role == "client_service" %}
# The auth service's PEM public key(s), newlines written as \n. The first verifies tokens; the
# others are also accepted while the auth service rotates its key. This service signs nothing.
JWT_PUBLIC_KEYS = split_public_keys_pem(env.str("JWT_PUBLIC_KEYS", multiline=True))
SIMPLE_JWT["VERIFYING_KEY"] = JWT_PUBLIC_KEYS[0]
GATEHOUSE["EXTRA_VERIFYING_KEYS"] = JWT_PUBLIC_KEYS[1:]
{%- elif cookiecutter.signing_algorithm == "HS256" %}
# Its own random value, never SECRET_KEY; there is deliberately no built-in fallback.
SIMPLE_JWT["SIGNING_KEY"] = env("JWT_SIGNING_KEY")
{%- else %}
# A PEM private key, newlines written as \n; tokens are verified with its public half.
# There is deliberately no built-in fallback.
SIMPLE_JWT["SIGNING_KEY"] = env.str("JWT_PRIVATE_KEY", multiline=True)
SIMPLE_JWT["VERIFYING_KEY"] = public_key_pem(SIMPLE_JWT["SIGNING_KEY"])
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
