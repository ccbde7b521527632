"""Settings for the test suite: fast, isolated, and needing no running service."""
{%- if cookiecutter.signing_algorithm != "HS256" %}

from cryptography.hazmat.primitives import serialization
{%- if cookiecutter.signing_algorithm == "RS256" %}
from cryptography.hazmat.primitives.asymmetric import rsa
{%- else %}
from cryptography.hazmat.primitives.asymmetric import ed25519
{%- endif %}
{%- endif %}

from .base import *  # noqa: F403
from .base import {% if cookiecutter.auth_role == "client_service" or cookiecutter.use_mfa == "y" %}GATEHOUSE, {% endif %}{% if cookiecutter.auth_role != "client_service" %}SIMPLE_JWT, {% endif %}env

# GENERAL
# ------------------------------------------------------------------------------
# A fixed key that only ever signs test data.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-secret-key-that-never-signs-anything-real")
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
{%- if cookiecutter.auth_role != "client_service" and cookiecutter.use_account_pages == "n" %}
# The frontend that takes the emailed links (there are no account pages here to default to).
FRONTEND_URL = env("FRONTEND_URL", default="https://app.{{ cookiecutter.domain_name }}")
{%- endif %}

# JSON WEB TOKENS
# ------------------------------------------------------------------------------
{%- if cookiecutter.signing_algorithm == "HS256" %}
# A fixed key that only ever signs test tokens; the tests forge tokens with it too.
TEST_JWT_SIGNING_KEY = "test-only-jwt-signing-key-that-never-signs-anything-real"
SIMPLE_JWT["SIGNING_KEY"] = TEST_JWT_SIGNING_KEY
{%- else %}
# A key pair made afresh at every start, so no private key sits in the repository{% if cookiecutter.signing_algorithm == "RS256" %}; 2048-bit
# RSA keeps the start fast{% endif %}. The tests sign their own tokens with TEST_JWT_SIGNING_KEY too.
TEST_JWT_SIGNING_KEY = (
    {%- if cookiecutter.signing_algorithm == "RS256" %}
    rsa.generate_private_key(public_exponent=65537, key_size=2048)
    {%- else %}
    ed25519.Ed25519PrivateKey.generate()
    {%- endif %}
    .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    .decode()
)
{%- if cookiecutter.auth_role == "client_service" %}
# A client service holds no key: it reads the auth service's JWKS. The tests play the auth
# service, serving the test key's public half at this URL (tests/conftest.py).
GATEHOUSE["AUTH_SERVICE_URL"] = "https://auth.test"
{%- else %}
SIMPLE_JWT["SIGNING_KEY"] = TEST_JWT_SIGNING_KEY
{%- endif %}
{%- endif %}

{%- if cookiecutter.auth_role != "client_service" and cookiecutter.use_mfa == "y" %}

# SECOND FACTORS
# ------------------------------------------------------------------------------
# A fixed key that only ever encrypts test secrets; passkeys are made for the test server's origin.
GATEHOUSE["MFA_ENCRYPTION_KEYS"] = ["dGVzdC1vbmx5LW1mYS1rZXktbmV2ZXItcmVhbC0zMmI="]
GATEHOUSE["WEBAUTHN_RP_ID"] = "testserver"
GATEHOUSE["WEBAUTHN_ORIGINS"] = ["http://testserver"]
{%- endif %}

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
