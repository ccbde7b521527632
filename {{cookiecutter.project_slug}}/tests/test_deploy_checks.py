"""`manage.py check --deploy` refuses settings that only suit a developer's machine, one line each."""

import io
import os
import secrets
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from {{ cookiecutter.project_slug }}.api.checks import DEPLOY_CHECKS

from .test_settings import PRODUCTION_ENVIRONMENT, PROJECT_DIR

DEPLOYABLE = {
    "DEBUG": False,
    "CACHES": {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}},
    "CELERY_TASK_ALWAYS_EAGER": False,
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
}
LOCMEM_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

REFUSALS = [
    pytest.param(
        {"CACHES": LOCMEM_CACHE},
        "api.E001",
        "CACHES['default'] uses the local-memory cache, which each process keeps to itself",
        id="locmem-cache",
    ),
    pytest.param(
        {"CACHES": DUMMY_CACHE},
        "api.E001",
        "CACHES['default'] uses the dummy cache, which each process keeps to itself",
        id="dummy-cache",
    ),
    pytest.param(
        {"CELERY_TASK_ALWAYS_EAGER": True},
        "api.E002",
        "CELERY_TASK_ALWAYS_EAGER is on: Celery tasks would run inside the web request",
        id="eager-celery",
    ),
    pytest.param(
        {"CELERY_BROKER_URL": ""},
        "api.E002",
        "CELERY_BROKER_URL is empty: Celery tasks would run inside the web request",
        id="no-broker",
    ),
    pytest.param({"DEBUG": True}, "api.E003", "DEBUG is on: error pages would show settings", id="debug"),
]


def deploy_check_errors() -> list:
    return [error for check in DEPLOY_CHECKS for error in check()]


def test_deployable_settings_pass_every_deploy_check():
    with override_settings(**DEPLOYABLE):
        assert deploy_check_errors() == []


@pytest.mark.parametrize(("overrides", "check_id", "message"), REFUSALS)
def test_a_dev_only_setting_is_refused_with_one_clear_line(overrides, check_id, message):
    with override_settings(**{**DEPLOYABLE, **overrides}):
        [error] = deploy_check_errors()
    assert error.id == check_id
    assert error.is_serious()
    assert error.msg.startswith(message), error.msg
    assert "\n" not in error.msg


@pytest.mark.parametrize(("overrides", "check_id", "message"), REFUSALS)
def test_check_deploy_fails_with_the_refusal(overrides, check_id, message):
    with override_settings(**{**DEPLOYABLE, **overrides}), pytest.raises(SystemCheckError) as raised:
        call_command("check", deploy=True, fail_level="WARNING")
    assert f"({check_id}) {message}" in str(raised.value)


def test_the_refusals_only_run_with_deploy():
    output = io.StringIO()
    with override_settings(**{**DEPLOYABLE, "DEBUG": True, "CACHES": LOCMEM_CACHE}):
        call_command("check", stdout=output)
    assert "System check identified no issues" in output.getvalue()


def run_check_deploy(**environment: str) -> subprocess.CompletedProcess:
    inherited = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    # A key with enough length and variety for Django's own deploy check (security.W009).
    production = {**PRODUCTION_ENVIRONMENT, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env={**inherited, **production, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_check_deploy()
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_with_debug_fail_check_deploy():
    result = run_check_deploy(DJANGO_DEBUG="true")
    assert result.returncode != 0
    assert "(api.E003) DEBUG is on: error pages would show settings" in result.stderr
{%- if cookiecutter.auth_role != "client_service" %}


@pytest.mark.parametrize(
    ("frontend_url", "problem"),
    [("", "is not set"), ("http://app.example.com", "is 'http://app.example.com', not an https:// URL")],
    ids=["unset", "plain-http"],
)
def test_production_settings_refuse_a_frontend_url_that_emailed_links_cannot_use(frontend_url, problem):
    result = run_check_deploy(FRONTEND_URL=frontend_url)
    assert result.returncode != 0
    assert f"(accounts.E001) FRONTEND_URL {problem}: the activation, password reset" in result.stderr
{%- endif %}
