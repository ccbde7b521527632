#!/usr/bin/env python3
"""Write a git-ignored `.env` holding fresh secrets for local development.

Runs with the standard library alone (the template's post-generation hook calls it
before any dependency is installed): keys are made with `cryptography` when it is
importable and with the `openssl` command otherwise. An existing `.env` is kept.
"""

from __future__ import annotations

import argparse
import base64
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

AUTH_ROLE = "{{ cookiecutter.auth_role }}"
SIGNING_ALGORITHM = "{{ cookiecutter.signing_algorithm }}"
USE_MFA = "{{ cookiecutter.use_mfa }}" == "y"
RSA_KEY_BITS = 3072
# Where a developer runs the auth service beside this one: `manage.py runserver 8001` there.
LOCAL_AUTH_SERVICE_URL = "http://127.0.0.1:8001"


def generate_private_key_pem(algorithm: str) -> str:
    """Return a new PKCS#8 PEM private key for RS256 (RSA) or EdDSA (Ed25519)."""
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
    except ImportError:
        return _generate_private_key_pem_with_openssl(algorithm)
    key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
    if algorithm == "RS256":
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    else:
        key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _generate_private_key_pem_with_openssl(algorithm: str) -> str:
    openssl = shutil.which("openssl")
    if openssl is None:
        sys.exit("Cannot generate a signing key: install the 'cryptography' package or the 'openssl' command.")
    if algorithm == "RS256":
        arguments = ["-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{RSA_KEY_BITS}"]
    else:
        arguments = ["-algorithm", "ed25519"]
    command = [openssl, "genpkey", *arguments]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603 (fixed arguments)


def escape_newlines(pem: str) -> str:
    """A PEM block as one quoted .env value: the settings read it back with its newlines."""
    return '"' + pem.strip().replace("\n", "\\n") + '"'


def env_file_lines(auth_role: str, algorithm: str) -> list[str]:
    lines = [
        "# Local secrets, written by scripts/write_env_file.py. Never commit this file.",
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
    ]
    if auth_role == "client_service":
        # A client service holds no key: it verifies tokens with the keys the auth service publishes.
        lines.append("# The auth service (an auth_service project); its JWKS, logins and refreshes are read there.")
        lines.append(f"AUTH_SERVICE_URL={LOCAL_AUTH_SERVICE_URL}")
        return lines
    if algorithm == "HS256":
        # Separate from DJANGO_SECRET_KEY, so that leaking one does not let anybody mint tokens.
        lines.append(f"JWT_SIGNING_KEY={secrets.token_urlsafe(64)}")
    else:
        lines.append(f"JWT_PRIVATE_KEY={escape_newlines(generate_private_key_pem(algorithm))}")
    if USE_MFA:
        # A Fernet key (32 random bytes, urlsafe base64) that encrypts the TOTP secrets at rest.
        lines.append(f"MFA_ENCRYPTION_KEYS={base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=Path(__file__).resolve().parent.parent / ".env")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    options = parser.parse_args()
    if options.path.exists() and not options.force:
        print(f"{options.path} exists; keeping it (use --force to replace it).")
        return
    options.path.write_text("\n".join(env_file_lines(AUTH_ROLE, SIGNING_ALGORITHM)) + "\n")
    options.path.chmod(0o600)
    print(f"Wrote fresh secrets to {options.path}.")


if __name__ == "__main__":
    main()
