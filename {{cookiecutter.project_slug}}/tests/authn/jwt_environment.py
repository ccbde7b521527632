"""The environment variable that holds this project's JWT key, and a valid value for it.

For tests that start the project in a subprocess with production or local settings,
which refuse to start without the key.
"""

from {{ cookiecutter.project_slug }}.authn import checks
from {{ cookiecutter.project_slug }}.authn.keys import generate_private_key_pem, public_key_pem

if checks.AUTH_ROLE == "client_service":
    JWT_KEY_VARIABLE = "JWT_PUBLIC_KEYS"
elif checks.RENDERED_ALGORITHM == "HS256":
    JWT_KEY_VARIABLE = "JWT_SIGNING_KEY"
else:
    JWT_KEY_VARIABLE = "JWT_PRIVATE_KEY"


def jwt_key_value() -> str:
    """A fresh value for JWT_KEY_VARIABLE as scripts/write_env_file.py writes it (PEM newlines as \\n)."""
    if JWT_KEY_VARIABLE == "JWT_SIGNING_KEY":
        return "test-only-jwt-signing-key-" + "k" * 40
    private_key = generate_private_key_pem(checks.RENDERED_ALGORITHM, rsa_key_bits=2048)
    pem = public_key_pem(private_key) if JWT_KEY_VARIABLE == "JWT_PUBLIC_KEYS" else private_key
    return pem.strip().replace("\n", "\\n")


def jwt_key_environment() -> dict[str, str]:
    """{JWT_KEY_VARIABLE: a fresh valid value}, to merge into a subprocess's environment."""
    return {JWT_KEY_VARIABLE: jwt_key_value()}
