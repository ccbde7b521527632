"""The hooks: the pre-generation hook refuses impossible answers with one line that says why; the
post-generation hook writes fresh secrets and signing keys to a git-ignored `.env`."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from harness.dotenv import pem_from_env_value, read_env_file
from harness.rendering import run_cookiecutter

# Secrets shorter than this would be guessable; Django itself warns below 50 characters.
MINIMUM_SECRET_LENGTH = 50

REFUSED_ANSWERS = [
    pytest.param(
        {"project_slug": "my-api"},
        "project_slug 'my-api' must be a lowercase Python identifier",
        id="slug-that-is-no-python-identifier",
    ),
    pytest.param(
        {"project_slug": "a_package_name_too_long_for_its_imports"},
        "project_slug 'a_package_name_too_long_for_its_imports' is longer than 32 characters",
        id="slug-too-long",
    ),
    pytest.param(
        {"auth_role": "auth_service", "signing_algorithm": "HS256"},
        "auth_role=auth_service needs an asymmetric signing_algorithm",
        id="hs256-with-auth-service",
    ),
    pytest.param(
        {"auth_role": "client_service", "signing_algorithm": "HS256"},
        "auth_role=client_service needs an asymmetric signing_algorithm",
        id="hs256-with-client-service",
    ),
    pytest.param(
        {"use_password_login": "n", "use_email_code_login": "n", "use_password_then_email_code": "n"},
        "At least one login scenario must be enabled",
        id="no-login-scenario",
    ),
    pytest.param(
        {"email": "you-at-example.com"}, "email 'you-at-example.com' is not an email address", id="bad-email"
    ),
    pytest.param(
        {"timezone": "Mars/Olympus_Mons"},
        "timezone 'Mars/Olympus_Mons' is not an IANA time zone",
        id="bad-timezone",
    ),
    pytest.param(
        {"project_name": 'The "Quoted" API', "project_slug": "quoted_api"},
        "project_name must be non-empty printable text without double quotes",
        id="double-quote-in-project-name",
    ),
]


@pytest.mark.parametrize(("answers", "reason"), REFUSED_ANSWERS)
def test_pre_gen_hook_refuses_impossible_answers_with_a_one_line_reason(
    answers: dict[str, str], reason: str, tmp_path: Path, cookiecutter_config: Path
):
    result = run_cookiecutter(answers, tmp_path, cookiecutter_config)
    assert result.returncode != 0, f"cookiecutter must fail for {answers}, it exited 0"
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(error_lines) == 1, f"The hook must print exactly one ERROR line, stderr was:\n{result.stderr}"
    assert reason in error_lines[0], f"The ERROR line must say {reason!r}, it says {error_lines[0]!r}"


def test_refused_answers_leave_no_project_behind(tmp_path: Path, cookiecutter_config: Path):
    run_cookiecutter({"email": "not an email"}, tmp_path, cookiecutter_config)
    assert list(tmp_path.iterdir()) == [], "A refused render must write no file"


def test_env_file_holds_a_fresh_django_secret_key(render_answers):
    variables = read_env_file(render_answers() / ".env")
    assert len(variables.get("DJANGO_SECRET_KEY", "")) >= MINIMUM_SECRET_LENGTH, (
        f".env must hold a DJANGO_SECRET_KEY of at least {MINIMUM_SECRET_LENGTH} characters"
    )


def test_env_file_is_readable_by_its_owner_only(render_answers):
    mode = stat.S_IMODE((render_answers() / ".env").stat().st_mode)
    assert mode == 0o600, f".env holds secrets and must be mode 600, it is {oct(mode)}"


def test_env_file_is_ignored_by_git(render_answers):
    project = render_answers()
    subprocess.run(["git", "init", "--quiet"], cwd=project, check=True)
    ignored = subprocess.run(["git", "check-ignore", "--quiet", ".env"], cwd=project, check=False)
    assert ignored.returncode == 0, "The render's .gitignore must keep .env (the secrets) out of git"


def test_hs256_env_file_holds_a_signing_key_apart_from_the_secret_key(render_answers):
    variables = read_env_file(render_answers(auth_role="standalone", signing_algorithm="HS256") / ".env")
    signing_key = variables.get("JWT_SIGNING_KEY", "")
    assert len(signing_key) >= MINIMUM_SECRET_LENGTH, "HS256 needs a long JWT_SIGNING_KEY in .env"
    assert signing_key != variables["DJANGO_SECRET_KEY"], "JWT_SIGNING_KEY must not reuse DJANGO_SECRET_KEY"
    assert "JWT_PRIVATE_KEY" not in variables, "HS256 signs with a shared secret: no JWT_PRIVATE_KEY"


@pytest.mark.parametrize(
    ("auth_role", "algorithm", "key_type"),
    [
        pytest.param("standalone", "RS256", rsa.RSAPrivateKey, id="standalone-RS256"),
        pytest.param("auth_service", "RS256", rsa.RSAPrivateKey, id="auth-service-RS256"),
        pytest.param("auth_service", "EdDSA", ed25519.Ed25519PrivateKey, id="auth-service-EdDSA"),
    ],
)
def test_asymmetric_env_file_holds_a_pem_private_key_of_the_algorithm(render_answers, auth_role, algorithm, key_type):
    variables = read_env_file(render_answers(auth_role=auth_role, signing_algorithm=algorithm) / ".env")
    assert "JWT_PRIVATE_KEY" in variables, f"{algorithm} needs a JWT_PRIVATE_KEY in .env"
    key = load_pem_private_key(pem_from_env_value(variables["JWT_PRIVATE_KEY"]), password=None)
    assert isinstance(key, key_type), f"{algorithm} needs a {key_type.__name__}, .env holds a {type(key).__name__}"
    assert "JWT_SIGNING_KEY" not in variables, f"{algorithm} signs with a private key: no JWT_SIGNING_KEY"


def test_client_service_env_file_holds_no_signing_key(render_answers):
    variables = read_env_file(render_answers(auth_role="client_service", signing_algorithm="EdDSA") / ".env")
    signing_variables = {"JWT_SIGNING_KEY", "JWT_PRIVATE_KEY"} & set(variables)
    assert not signing_variables, f"A client service only verifies tokens; its .env must not hold {signing_variables}"


def test_client_service_env_file_points_at_a_local_auth_service(render_answers):
    variables = read_env_file(render_answers(auth_role="client_service", signing_algorithm="EdDSA") / ".env")
    assert variables.get("AUTH_SERVICE_URL") == "http://127.0.0.1:8001", (
        "A client service reads its keys from the auth service's JWKS: .env must name a local auth service"
    )
    assert "JWT_PUBLIC_KEYS" not in variables, "A client service holds no key of its own, not even a public one"
