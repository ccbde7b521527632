"""Finish the rendered project: remove what the answers do not use, then write its secrets.

Runs inside the freshly rendered project folder. Everything random goes to the
git-ignored `.env`, so rendering the same answers twice gives identical tracked files.
"""

from __future__ import annotations

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


def remove_docker_files() -> None:
    """Without use_docker, the project has no compose.yaml, Dockerfile, .dockerignore or their test."""
    for name in DOCKER_FILES:
        (PROJECT_DIR / name).unlink()


def remove_token_issuing_tests() -> None:
    """A client_service holds no signing key: it has no tests of issuing, refreshing or revoking tokens."""
    for name in TOKEN_ISSUING_TEST_FILES:
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
    write_env_file()


if __name__ == "__main__":
    main()
