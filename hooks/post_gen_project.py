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
PACKAGE = "{{ cookiecutter.project_slug }}"
AUTH_ROLE = "{{ cookiecutter.auth_role }}"
TOKEN_TRANSPORT = "{{ cookiecutter.token_transport }}"
USE_DOCKER = "{{ cookiecutter.use_docker }}" == "y"
USE_REGISTRATION = "{{ cookiecutter.use_registration }}" == "y"
USE_DEV_AUTO_LOGIN = "{{ cookiecutter.use_dev_auto_login }}" == "y"

# The apps of a service that holds passwords and issues tokens; a client_service has none of them.
ISSUING_APPS = ("login", "sessions", "accounts", "mail")
DOCKER_FILES = ("compose.yaml", "Dockerfile", ".dockerignore", "tests/test_dockerfile.py")
# The auth service side of the remote split: the JWKS endpoint and the key rotation command.
AUTH_SERVICE_FILES = (
    f"{PACKAGE}/sessions/jwks.py",
    f"{PACKAGE}/sessions/jwks_views.py",
    f"{PACKAGE}/sessions/management",
    "tests/sessions/test_jwks.py",
)
# Self-service registration: its flow and its tests (accounts keeps reset, validation and change).
REGISTRATION_FILES = (
    f"{PACKAGE}/accounts/registration.py",
    f"{PACKAGE}/accounts/registration_views.py",
    "tests/accounts/test_register.py",
    "tests/accounts/test_register_activate.py",
    "tests/accounts/test_register_resend.py",
)
# One module per token transport (authn/transports/): a render keeps those its answer uses.
TRANSPORT_FILES = {
    "header": ("header.py", "test_header_transport.py"),
    "cookie": ("cookie.py", "cookies.py", "csrf.py", "csrf_views.py", "cookie_checks.py", "test_cookie_transport.py"),
    "both": ("both.py", "test_header_or_cookie_transport.py"),
}
# What each transport answer keeps: `both` is the other two together.
TRANSPORTS_KEPT = {"header": {"header"}, "cookie": {"cookie"}, "both": {"header", "cookie", "both"}}
DEV_AUTO_LOGIN_FILES = (f"{PACKAGE}/authn/dev_auto_login.py", "tests/authn/test_dev_auto_login.py")


def remove(*relative_paths: str) -> None:
    """Delete files and whole folders of the render; each must exist, so that a renamed one fails loudly."""
    for relative_path in relative_paths:
        path = PROJECT_DIR / relative_path
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def remove_app(name: str) -> None:
    """Delete an app of the package and its tests (`tests/<app>/`), whole."""
    remove(f"{PACKAGE}/{name}", f"tests/{name}")


def remove_unused_apps() -> None:
    """A client_service keeps remote/ and none of the apps that issue tokens; other roles the reverse."""
    if AUTH_ROLE == "client_service":
        for name in ISSUING_APPS:
            remove_app(name)
    else:
        remove_app("remote")


def remove_unused_transports() -> None:
    """Keep only the transport modules (and their tests) that the token_transport answer uses."""
    for transport, files in TRANSPORT_FILES.items():
        if transport in TRANSPORTS_KEPT[TOKEN_TRANSPORT]:
            continue
        for name in files:
            folder = "tests/authn" if name.startswith("test_") else f"{PACKAGE}/authn/transports"
            remove(f"{folder}/{name}")


def main() -> None:
    remove_unused_apps()
    if AUTH_ROLE != "auth_service" and AUTH_ROLE != "client_service":
        remove(*AUTH_SERVICE_FILES)
    if AUTH_ROLE != "client_service" and not USE_REGISTRATION:
        remove(*REGISTRATION_FILES)
    if not USE_DEV_AUTO_LOGIN:
        remove(*DEV_AUTO_LOGIN_FILES)
    if not USE_DOCKER:
        remove(*DOCKER_FILES)
    write_env_file()


def write_env_file() -> None:
    """Write `.env` with fresh secrets through the project's own script, so that a
    teammate who clones the repository later gets the same file the same way."""
    subprocess.run(
        [sys.executable, "scripts/write_env_file.py"],
        cwd=PROJECT_DIR,
        check=True,
    )


if __name__ == "__main__":
    main()
