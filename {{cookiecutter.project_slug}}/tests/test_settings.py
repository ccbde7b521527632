"""Production settings refuse to start without what they need, with a one-line reason."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .authn.jwt_environment import jwt_key_environment

PROJECT_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_READ_DOT_ENV_FILE": "false",
    "DJANGO_SECRET_KEY": "x" * 64,
    "DATABASE_URL": "postgres://app@127.0.0.1:5432/app",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    {%- if cookiecutter.auth_role != "client_service" %}
    "EMAIL_HOST": "smtp.example.com",
    {%- if cookiecutter.use_account_pages == "n" %}
    # No account pages here: the links of emails lead to the project's own frontend.
    "FRONTEND_URL": "https://app.example.com",
    {%- endif %}
    {%- endif %}
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    **jwt_key_environment(),
}


def run_manage_check(environment: dict[str, str]) -> subprocess.CompletedProcess:
    inherited = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_DIR,
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


# What production cannot start without, for this project's answers.
REQUIRED_VARIABLES = [
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    {%- if cookiecutter.auth_role == "client_service" %}
    "AUTH_SERVICE_URL",
    {%- else %}
    "EMAIL_HOST",
    "{{ 'JWT_SIGNING_KEY' if cookiecutter.signing_algorithm == 'HS256' else 'JWT_PRIVATE_KEY' }}",
    {%- if cookiecutter.use_mfa == "y" %}
    "MFA_ENCRYPTION_KEYS",
    {%- endif %}
    {%- endif %}
    {%- if cookiecutter.task_broker == "rabbitmq" %}
    "CELERY_BROKER_URL",
    {%- endif %}
]


@pytest.mark.parametrize("missing", REQUIRED_VARIABLES)
def test_production_refuses_to_start_without_a_required_variable(missing):
    environment = {name: value for name, value in PRODUCTION_ENVIRONMENT.items() if name != missing}
    result = run_manage_check(environment)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: Set the environment variables {missing} (production requires them)."
    ]


def test_production_names_every_missing_variable_in_one_message():
    result = run_manage_check(
        {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_READ_DOT_ENV_FILE": "false"}
    )
    assert result.returncode != 0
    (line,) = result.stderr.strip().splitlines()
    names = ", ".join(REQUIRED_VARIABLES)
    assert line == f"Configuration error: Set the environment variables {names} (production requires them)."


@pytest.mark.parametrize(
    ("settings_module", "reads"),
    [("config.settings.production", False), ("config.settings.local", True), ("config.settings.test", True)],
)
def test_only_production_leaves_the_dot_env_file_unread_by_default(settings_module, reads):
    inherited = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [sys.executable, "-c", "from config.settings import base; print(base.READS_DOT_ENV_BY_DEFAULT)"],
        cwd=PROJECT_DIR,
        env={**inherited, "DJANGO_SETTINGS_MODULE": settings_module},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == str(reads), result.stderr


def test_production_refuses_a_database_other_than_postgresql():
    result = run_manage_check({**PRODUCTION_ENVIRONMENT, "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "must point at PostgreSQL" in result.stderr
