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
    "EMAIL_HOST": "smtp.example.com",
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


@pytest.mark.parametrize(
    ("missing", "reason"),
    [
        ("DJANGO_SECRET_KEY", "Set the DJANGO_SECRET_KEY environment variable"),
        ("DATABASE_URL", "Set the DATABASE_URL environment variable"),
        ("REDIS_URL", "Set the REDIS_URL environment variable (the cache shared by all processes)."),
    ],
)
def test_production_refuses_to_start_without_a_required_variable(missing, reason):
    environment = {name: value for name, value in PRODUCTION_ENVIRONMENT.items() if name != missing}
    result = run_manage_check(environment)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [f"Configuration error: {reason}"]


def test_production_refuses_a_database_other_than_postgresql():
    result = run_manage_check({**PRODUCTION_ENVIRONMENT, "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "must point at PostgreSQL" in result.stderr
