"""Finish the rendered project: remove what the answers do not use, write its secrets, and record
the template and the answers in cruft's `.cruft.json`.

Runs inside the freshly rendered project folder. Everything random goes to the
git-ignored `.env`, so rendering the same answers twice gives identical tracked files.
"""

from __future__ import annotations

import json
import os
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
USE_SOCIAL_LOGIN = "{{ cookiecutter.use_social_login }}" == "y"
USE_MFA = "{{ cookiecutter.use_mfa }}" == "y"
USE_ACCOUNT_PAGES = "{{ cookiecutter.use_account_pages }}" == "y"

# The apps of a service that holds passwords and issues tokens; a client_service has none of them.
ISSUING_APPS = ("login", "sessions", "accounts", "mail", "devices")
# What measures those apps' endpoints from outside (the timing of known and unknown addresses).
ISSUING_FILES = (
    "scripts/enumeration_timing.py",
    # A client service's request.user is its local copy (remote/users.py), never the claims user.
    "tests/authn/test_claims_user.py",
    "tests/authn/claims_user_urls.py",
)
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
    "tests/accounts/test_register_email_addresses.py",
    "tests/accounts/test_register_activate.py",
    "tests/accounts/test_register_resend.py",
    "tests/accounts/test_registration_adapter.py",
    # The adapter of docs/adapter.md decides who may register: it and its tests go with registration.
    "tests/accounts/example_adapter.py",
    "tests/accounts/test_adapter_example.py",
)
# The token transports (authn/transports/, base.py in every render) and their tests; `both` composes
# the header and the cookie transports, so it keeps the modules of either.
TRANSPORTS = f"{PACKAGE}/authn/transports"
HEADER_TRANSPORT_FILES = (f"{TRANSPORTS}/header.py",)
COOKIE_TRANSPORT_FILES = (
    f"{TRANSPORTS}/cookie.py",
    f"{TRANSPORTS}/cookies.py",
    f"{TRANSPORTS}/csrf.py",
    f"{TRANSPORTS}/csrf_views.py",
    f"{TRANSPORTS}/cookie_checks.py",
    "tests/authn/cookie_helpers.py",
    "tests/authn/test_cookie_checks.py",
    "tests/authn/test_cookie_transport.py",
    "tests/sessions/cookie_helpers.py",
    "tests/sessions/test_cookie_transport.py",
)
BOTH_TRANSPORT_FILES = (
    f"{TRANSPORTS}/both.py",
    "tests/authn/test_header_or_cookie_transport.py",
    "tests/sessions/test_header_or_cookie_transport.py",
)
# What only the header transport does (no cookie is read, tokens are always in bodies); `both` answers
# in cookies unless asked otherwise, and its own tests cover the body.
HEADER_ONLY_TEST_FILES = ("tests/authn/test_header_transport.py", "tests/sessions/test_header_transport.py")
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


def remove_unused_transports() -> None:
    """Keep the modules of the chosen token transport and their tests, before apps go (their tests are listed)."""
    if TOKEN_TRANSPORT == "cookie":
        remove(*HEADER_TRANSPORT_FILES)
    if TOKEN_TRANSPORT == "header":
        remove(*COOKIE_TRANSPORT_FILES)
    if TOKEN_TRANSPORT != "both":
        remove(*BOTH_TRANSPORT_FILES)
    if TOKEN_TRANSPORT != "header":
        remove(*HEADER_ONLY_TEST_FILES)


def remove_unused_apps() -> None:
    """A client_service keeps remote/ and none of the apps that issue tokens; other roles the reverse.

    Second factors (mfa/) go with `use_mfa=n`, and from a client_service, which holds no credentials; so do
    the account pages (pages/) with `use_account_pages=n`.
    """
    if AUTH_ROLE == "client_service":
        for name in ISSUING_APPS:
            remove_app(name)
        remove(*ISSUING_FILES)
    else:
        remove_app("remote")
    # Social login signs people in, so it goes with the apps that issue tokens.
    if not USE_SOCIAL_LOGIN or AUTH_ROLE == "client_service":
        remove_app("social")
    if AUTH_ROLE == "client_service" or not USE_MFA:
        remove_app("mfa")
    # The pages sign people in with this service's own endpoints: a client_service's browsers use the auth
    # service's pages, which its FRONTEND_URL names.
    if AUTH_ROLE == "client_service" or not USE_ACCOUNT_PAGES:
        remove_app("pages")


def main() -> None:
    remove_unused_transports()
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
    write_cruft_file()


def write_env_file() -> None:
    """Write `.env` with fresh secrets through the project's own script, so that a
    teammate who clones the repository later gets the same file the same way."""
    subprocess.run(
        [sys.executable, "scripts/write_env_file.py"],
        cwd=PROJECT_DIR,
        check=True,
    )


# The context cookiecutter rendered with, in its order (the answers, then the private keys).
RENDERED_CONTEXT = {
{%- for key, value in cookiecutter.items() %}
    {{ key | tojson }}: json.loads({{ value | tojson | tojson }}),
{%- endfor %}
}
CRUFT_FILE = ".cruft.json"
# Keys cookiecutter adds that cruft does not store: they are paths of the machine that rendered.
LOCAL_ONLY_KEYS = ("_output_dir", "_repo_dir", "_checkout")
# Fresh on every render: `cruft update` and `cruft diff` must leave it out of their comparisons.
CRUFT_SKIP = [".env"]


def git(*arguments: str, cwd: Path) -> str | None:
    """The output of a git command, or None when git is missing or refuses (not a checkout)."""
    try:
        result = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def local_template_dir(repo_dir: str) -> Path | None:
    """The folder of a local template. Hooks run in the new project, so a relative path (`cookiecutter .`)
    is resolved against the shell's working directory, or on Linux against cookiecutter's own, which is the
    template folder while hooks run."""
    candidates = [repo_dir]
    if not os.path.isabs(repo_dir):
        candidates = [os.path.join(os.environ.get("PWD", ""), repo_dir), f"/proc/{os.getppid()}/cwd"]
    for candidate in candidates:
        if os.path.isfile(os.path.join(candidate, "cookiecutter.json")):
            return Path(os.path.realpath(candidate))
    return None


def cruft_state(context: dict) -> dict | None:
    """What `cruft create` writes in `.cruft.json` for this render, or None when the template is not a git
    checkout (cruft clones the template, so it can only follow one in git)."""
    template, repo_dir = context["_template"], context["_repo_dir"]
    # cookiecutter renders a local template in place (in a subfolder with --directory), and a git URL
    # from its clone under ~/.cookiecutters, whose origin is the URL with abbreviations like gh: expanded.
    is_local = repo_dir == template or repo_dir.startswith(os.path.join(template, ""))
    template_dir = local_template_dir(repo_dir) if is_local else Path(repo_dir)
    if template_dir is None:
        return None
    commit = git("rev-parse", "HEAD", cwd=template_dir)
    top_level = git("rev-parse", "--show-toplevel", cwd=template_dir)
    if commit is None or top_level is None:
        return None
    location = top_level if is_local else git("remote", "get-url", "origin", cwd=template_dir) or template
    if git("status", "--porcelain", "--untracked-files=no", cwd=template_dir):
        print(
            f"Warning: the template has uncommitted changes; {CRUFT_FILE} records its commit {commit[:12]}, "
            "which does not hold them.",
            file=sys.stderr,
        )
    answers = {key: value for key, value in context.items() if key not in LOCAL_ONLY_KEYS}
    answers.update({"_template": location, "_commit": commit})
    directory = os.path.relpath(template_dir, top_level)
    return {
        "template": location,
        "commit": commit,
        "checkout": context["_checkout"],
        "context": {"cookiecutter": answers},
        "directory": None if directory == "." else directory,
        "skip": CRUFT_SKIP,
    }


def write_cruft_file() -> None:
    """Record the template, its commit and the answers as `cruft create` does, so that `cruft check`,
    `cruft diff` and `cruft update` work on a project rendered by plain cookiecutter too."""
    if "_commit" in RENDERED_CONTEXT:
        # Rendered by cruft (create, update or diff): cruft writes and updates the file itself.
        return
    state = cruft_state(RENDERED_CONTEXT)
    if state is None:
        print(
            f"Warning: the template is not a git checkout, so no {CRUFT_FILE} was written. Once the template is "
            "in git, link the project to it with `cruft link <template> --checkout <tag>`.",
            file=sys.stderr,
        )
        return
    # Formatted as cruft formats it, so that cruft's own rewrites leave no spurious diff.
    text = json.dumps(state, ensure_ascii=False, indent=2, separators=(",", ": ")) + "\n"
    (PROJECT_DIR / CRUFT_FILE).write_text(text)


if __name__ == "__main__":
    main()
