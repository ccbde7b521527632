"""The environment variable that holds this project's JWT key (or, on a client service, AUTH_SERVICE_URL), and a valid value.

For tests that start the project in a subprocess with production or local settings,
which refuse to start without the key.
"""
{%- if cookiecutter.auth_role != "client_service" and cookiecutter.use_mfa == "y" %}

from cryptography.fernet import Fernet
{%- endif %}
{%- if cookiecutter.auth_role != "client_service" and cookiecutter.signing_algorithm != "HS256" %}

from {{ cookiecutter.project_slug }}.authn.keys import generate_private_key_pem
{%- endif %}

{%- if cookiecutter.auth_role == "client_service" %}

# A client service holds no key: what it cannot start without is where to read the keys.
JWT_KEY_VARIABLE = "AUTH_SERVICE_URL"


def jwt_key_value() -> str:
    """The auth service's base URL, as a deployment sets it."""
    return "https://auth.example.com"
{%- elif cookiecutter.signing_algorithm == "HS256" %}

JWT_KEY_VARIABLE = "JWT_SIGNING_KEY"


def jwt_key_value() -> str:
    """A fresh value for JWT_SIGNING_KEY, long enough for the system checks."""
    return "test-only-jwt-signing-key-" + "k" * 40
{%- else %}

JWT_KEY_VARIABLE = "JWT_PRIVATE_KEY"


def jwt_key_value() -> str:
    """A fresh {{ cookiecutter.signing_algorithm }} private key as scripts/write_env_file.py writes it (PEM newlines as \\n)."""
    private_key = generate_private_key_pem("{{ cookiecutter.signing_algorithm }}", rsa_key_bits=2048)
    return private_key.strip().replace("\n", "\\n")
{%- endif %}


def jwt_key_environment() -> dict[str, str]:
    """{JWT_KEY_VARIABLE: a fresh valid value}, to merge into a subprocess's environment{% if cookiecutter.auth_role != "client_service" and cookiecutter.use_mfa == "y" %}, with the
    key that encrypts TOTP secrets (MFA_ENCRYPTION_KEYS), which the settings cannot start without either{% endif %}."""
    {%- if cookiecutter.auth_role != "client_service" and cookiecutter.use_mfa == "y" %}
    return {JWT_KEY_VARIABLE: jwt_key_value(), "MFA_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    {%- else %}
    return {JWT_KEY_VARIABLE: jwt_key_value()}
    {%- endif %}
