"""The environment variable that holds this project's JWT key (or, on a client service, AUTH_SERVICE_URL), and a valid value.

For tests that start the project in a subprocess with production or local settings,
which refuse to start without the key.
"""

from {{ cookiecutter.project_slug }}.authn import checks
from {{ cookiecutter.project_slug }}.authn.keys import generate_private_key_pem

if checks.AUTH_ROLE == "client_service":
    # A client service holds no key: what it cannot start without is where to read the keys.
    JWT_KEY_VARIABLE = "AUTH_SERVICE_URL"
elif checks.RENDERED_ALGORITHM == "HS256":
    JWT_KEY_VARIABLE = "JWT_SIGNING_KEY"
else:
    JWT_KEY_VARIABLE = "JWT_PRIVATE_KEY"


def jwt_key_value() -> str:
    """A fresh value for JWT_KEY_VARIABLE as scripts/write_env_file.py writes it (PEM newlines as \\n)."""
    if JWT_KEY_VARIABLE == "JWT_SIGNING_KEY":
        return "test-only-jwt-signing-key-" + "k" * 40
    if JWT_KEY_VARIABLE == "AUTH_SERVICE_URL":
        return "https://auth.example.com"
    private_key = generate_private_key_pem(checks.RENDERED_ALGORITHM, rsa_key_bits=2048)
    return private_key.strip().replace("\n", "\\n")


def jwt_key_environment() -> dict[str, str]:
    """{JWT_KEY_VARIABLE: a fresh valid value}, to merge into a subprocess's environment."""
    return {JWT_KEY_VARIABLE: jwt_key_value()}
