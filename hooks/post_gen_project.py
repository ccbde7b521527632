"""Finish the rendered project: remove what the answers do not use, then write its secrets.

Runs inside the freshly rendered project folder. Everything random goes to the
git-ignored `.env`, so rendering the same answers twice gives identical tracked files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path.cwd()
USE_DOCKER = "{{ cookiecutter.use_docker }}" == "y"
DOCKER_FILES = ("compose.yaml", "Dockerfile", ".dockerignore", "tests/test_dockerfile.py")
IS_CLIENT_SERVICE = "{{ cookiecutter.auth_role }}" == "client_service"
# A client service serves only token/verify/ and me/: the tests of the endpoints that
# issue, rotate and revoke tokens have nothing to test there.
TOKEN_ISSUING_TEST_FILES = (
    "tests/authn/test_tokens_issue.py",
    "tests/authn/test_tokens_refresh.py",
    "tests/authn/test_tokens_logout.py",
)
IS_AUTH_SERVICE = "{{ cookiecutter.auth_role }}" == "auth_service"
# The client side of the remote split (JWKS verification, user copies, the login proxy) and its tests.
REMOTE_DIRS = ("{{ cookiecutter.project_slug }}/remote", "tests/remote")
# The auth service side: the JWKS endpoint, the key rotation command, and their tests.
AUTH_SERVICE_FILES = (
    "{{ cookiecutter.project_slug }}/authn/jwks.py",
    "{{ cookiecutter.project_slug }}/authn/views/jwks.py",
    "tests/authn/test_jwks.py",
)
# jwt_keys is the authn app's only management command.
AUTH_SERVICE_DIRS = ("{{ cookiecutter.project_slug }}/authn/management",)
USE_DEV_AUTO_LOGIN = "{{ cookiecutter.use_dev_auto_login }}" == "y"
DEV_AUTO_LOGIN_FILES = (
    "{{ cookiecutter.project_slug }}/authn/dev_auto_login.py",
    "tests/test_dev_auto_login.py",
)


def remove_docker_files() -> None:
    """Without use_docker, the project has no compose.yaml, Dockerfile, .dockerignore or their test."""
    for name in DOCKER_FILES:
        (PROJECT_DIR / name).unlink()


def remove_token_issuing_tests() -> None:
    """A client_service holds no signing key: it has no tests of issuing, refreshing or revoking tokens."""
    for name in TOKEN_ISSUING_TEST_FILES:
        (PROJECT_DIR / name).unlink()


def remove_remote_app() -> None:
    """Only a client_service verifies another service's tokens: elsewhere remote/ and its tests go."""
    for name in REMOTE_DIRS:
        shutil.rmtree(PROJECT_DIR / name)


def remove_auth_service_files() -> None:
    """Only an auth_service publishes a JWKS and rotates keys for other services."""
    for name in AUTH_SERVICE_FILES:
        (PROJECT_DIR / name).unlink()
    for name in AUTH_SERVICE_DIRS:
        shutil.rmtree(PROJECT_DIR / name)


def remove_dev_auto_login_files() -> None:
    """Without use_dev_auto_login, the project has no dev auto-login module or its tests."""
    for name in DEV_AUTO_LOGIN_FILES:
        (PROJECT_DIR / name).unlink()


def write_env_file() -> None:
    """Write `.env` with fresh secrets through the project's own script, so that a
    teammate who clones the repository later gets the same file the same way."""
    subprocess.run(
        [sys.executable, "scripts/write_env_file.py"],
        cwd=PROJECT_DIR,
        check=True,
    )


def main() -> None:
    if not USE_DOCKER:
        remove_docker_files()
    if IS_CLIENT_SERVICE:
        remove_token_issuing_tests()
    else:
        remove_remote_app()
    if not IS_AUTH_SERVICE:
        remove_auth_service_files()
    if not USE_DEV_AUTO_LOGIN:
        remove_dev_auto_login_files()
    write_env_file()


if __name__ == "__main__":
    main()
