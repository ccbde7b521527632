"""Settings for a developer's machine: the embedded default needs no server at all."""

from .base import *  # noqa: F403
from .base import EMAIL_HOST, REST_FRAMEWORK, env

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Written to .env by scripts/write_env_file.py; there is deliberately no built-in fallback.
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env("DJANGO_SECRET_KEY")
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

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
