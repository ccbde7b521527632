"""Nothing falls back to a built-in key: without its key variable the project refuses to start.

Each test runs `manage.py check` in a subprocess with local settings, no `.env`, and
only the variables it names, as an operator's misconfigured machine would.
"""

import os
import subprocess
import sys
from pathlib import Path

{% if cookiecutter.auth_role != "client_service" -%}
from {{ cookiecutter.project_slug }}.sessions import checks

{% endif -%}
from ..test_settings import PRODUCTION_ENVIRONMENT
from .jwt_environment import JWT_KEY_VARIABLE, jwt_key_environment

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


def run_manage_check(settings_module: str, **variables: str) -> subprocess.CompletedProcess:
    inherited = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DJANGO_SECRET_KEY": "s" * 64,
        **variables,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_local_settings_refuse_to_start_without_the_key_variable():
    result = run_manage_check("config.settings.local")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: Set the {JWT_KEY_VARIABLE} environment variable"
    ], "there must be no built-in or SECRET_KEY fallback"


def test_production_settings_refuse_to_start_without_the_key_variable():
    production = {name: value for name, value in PRODUCTION_ENVIRONMENT.items() if name != JWT_KEY_VARIABLE}
    result = run_manage_check("config.settings.production", **production)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: Set the environment variables {JWT_KEY_VARIABLE} (production requires them)."
    ]


def test_local_settings_start_with_the_key_variable():
    result = run_manage_check("config.settings.local", **jwt_key_environment())
    assert result.returncode == 0, result.stderr
{%- if cookiecutter.auth_role != "client_service" and cookiecutter.signing_algorithm != "HS256" %}


def test_local_settings_refuse_a_key_variable_that_holds_no_pem_key():
    result = run_manage_check("config.settings.local", **{**jwt_key_environment(), JWT_KEY_VARIABLE: "not a key"})
    assert result.returncode != 0
    assert checks.KEYS_NOT_USABLE in result.stderr
    assert "must hold an unencrypted PEM private key" in result.stderr
{%- endif %}
{%- if cookiecutter.signing_algorithm == "HS256" %}


def test_an_empty_signing_key_fails_the_system_checks():
    result = run_manage_check("config.settings.local", **{**jwt_key_environment(), "JWT_SIGNING_KEY": ""})
    assert result.returncode != 0
    assert checks.SIGNING_KEY_MISSING in result.stderr
{%- endif %}
