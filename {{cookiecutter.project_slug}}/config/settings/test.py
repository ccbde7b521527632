"""Settings for the test suite: fast, isolated, and needing no running service."""

from .base import *  # noqa: F403
from .base import env

# GENERAL
# ------------------------------------------------------------------------------
# A fixed key that only ever signs test data.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-secret-key-that-never-signs-anything-real")
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# STATIC
# ------------------------------------------------------------------------------
# Serve static files from the apps, with no collectstatic.
# https://whitenoise.readthedocs.io/en/stable/django.html#WHITENOISE_USE_FINDERS
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# PASSWORDS
# ------------------------------------------------------------------------------
# Argon2 with its production cost would dominate the suite's run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# CACHES
# ------------------------------------------------------------------------------
# One test process: a local-memory cache is shared by everything the test touches.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}

# EMAIL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/testing/tools/#email-services
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# CELERY
# ------------------------------------------------------------------------------
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
