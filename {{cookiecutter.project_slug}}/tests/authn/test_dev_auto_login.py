"""The DEBUG-only automatic login: it works with DEBUG on and fully configured, and fails closed otherwise."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.authn.dev_auto_login import check_dev_auto_login_is_off, warn_once

from ..factories import UserFactory
from ..test_deploy_checks import DEPLOYABLE, run_check_deploy
from ..test_settings import PROJECT_DIR
from ..tokens import authenticated
from .jwt_environment import jwt_key_environment

DEV_EMAIL = "dev@example.com"
DEV_AUTO_LOGIN_CLASS = "{{ cookiecutter.project_slug }}.authn.dev_auto_login.DevAutoLoginAuthentication"
# The token authentication class of this role: dev auto-login comes after it.
JWT_AUTHENTICATION_CLASS = "{{ cookiecutter.project_slug }}.{{ "remote" if cookiecutter.auth_role == "client_service" else "authn" }}.authentication.{{ "Remote" if cookiecutter.auth_role == "client_service" else "" }}JWTAuthentication"
ME_URL = "/api/auth/me/"
# Production settings with local.py's dev auto-login block pasted in: the mistake api.E004 exists to catch.
MISCONFIGURED_PRODUCTION_SETTINGS = f"""
from config.settings.production import *  # noqa: F403
from config.settings.production import GATEHOUSE, REST_FRAMEWORK, env

GATEHOUSE["DEV_AUTO_LOGIN_EMAIL"] = env("DJANGO_DEV_AUTO_LOGIN_EMAIL", default="")
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    *REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    "{DEV_AUTO_LOGIN_CLASS}",
]
"""


@pytest.fixture(autouse=True)
def _forget_warnings():
    """Each test sees the warnings its own configuration causes."""
    warn_once.cache_clear()
    yield
    warn_once.cache_clear()


def configure(settings, monkeypatch, *, debug=True, email=DEV_EMAIL, with_class=True) -> None:
    """Configure the dev auto-login as local settings do, or only part of it."""
    settings.DEBUG = debug
    settings.GATEHOUSE = {**settings.GATEHOUSE, "DEV_AUTO_LOGIN_EMAIL": email}
    if with_class:
        classes = [*settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"], DEV_AUTO_LOGIN_CLASS]
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_AUTHENTICATION_CLASSES": classes}
        # DRF's views read DEFAULT_AUTHENTICATION_CLASSES once, when rest_framework.views is imported.
        monkeypatch.setattr(APIView, "authentication_classes", api_settings.DEFAULT_AUTHENTICATION_CLASSES)


def dev_users():
    return get_user_model().objects.filter(email=DEV_EMAIL)


@pytest.mark.django_db
def test_with_debug_on_a_request_without_credentials_acts_as_the_dev_user(api_client, settings, monkeypatch):
    configure(settings, monkeypatch)
    response = api_client.get(ME_URL)
    assert response.status_code == 200, response.content
    assert response.json()["email"] == DEV_EMAIL


@pytest.mark.django_db
def test_the_dev_user_is_created_once_active_without_a_usable_password_and_not_staff(
    api_client, settings, monkeypatch
):
    configure(settings, monkeypatch, email="  Dev@Example.com ")
    assert api_client.get(ME_URL).status_code == 200
    assert api_client.get(ME_URL).status_code == 200
    [user] = dev_users()
    assert user.is_active
    assert not user.has_usable_password(), "nobody may sign in as the dev user with a password"
    assert not user.is_staff
    assert not user.is_superuser


@pytest.mark.django_db
def test_an_existing_user_with_the_email_is_used_as_it_is(api_client, settings, monkeypatch):
    existing = UserFactory(email=DEV_EMAIL, first_name="Ada")
    configure(settings, monkeypatch)
    response = api_client.get(ME_URL)
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["first_name"]) == (str(existing.pk), "Ada")


@pytest.mark.django_db
def test_a_deactivated_dev_user_is_not_logged_in(api_client, settings, monkeypatch):
    UserFactory(email=DEV_EMAIL, is_active=False)
    configure(settings, monkeypatch)
    assert api_client.get(ME_URL).status_code == 401
    assert not dev_users().get().is_active, "auto-login must never switch a deactivated account back on"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "configuration",
    [
        pytest.param({"debug": False}, id="debug-off"),
        pytest.param({"with_class": False}, id="email-set-class-missing"),
        pytest.param({"email": ""}, id="class-listed-email-empty"),
        pytest.param({"email": "not-an-email"}, id="class-listed-email-invalid"),
        pytest.param({"email": "dev@exa\u00admple.com"}, id="class-listed-email-without-a-canonical-form"),
        pytest.param({"email": None}, id="class-listed-email-none"),
    ],
)
def test_anything_short_of_debug_and_the_full_configuration_logs_nobody_in(
    configuration, api_client, settings, monkeypatch
):
    configure(settings, monkeypatch, **configuration)
    response = api_client.get(ME_URL)
    assert response.status_code == 401, "the dev auto-login must fail closed"
    assert not get_user_model().objects.exists(), "no dev user may be created either"


@pytest.mark.django_db
def test_an_invalid_email_is_reported_once_in_the_log(api_client, settings, monkeypatch, caplog):
    configure(settings, monkeypatch, email="not-an-email")
    api_client.get(ME_URL)
    api_client.get(ME_URL)
    warnings = [record.getMessage() for record in caplog.records if "DEV_AUTO_LOGIN_EMAIL" in record.getMessage()]
    assert warnings == [
        "GATEHOUSE[\"DEV_AUTO_LOGIN_EMAIL\"] is not an email address ('not-an-email'): nobody is logged in."
    ]


@pytest.mark.django_db
def test_a_bad_access_token_gets_401_and_is_not_auto_logged_in(api_client, settings, monkeypatch):
    configure(settings, monkeypatch)
    response = api_client.get(ME_URL, **authenticated("not-a-token"))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_not_valid"
    assert not dev_users().exists()


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["access_token", "refresh_token"])
def test_a_request_with_an_auth_cookie_is_not_auto_logged_in(cookie, api_client, settings, monkeypatch):
    configure(settings, monkeypatch)
    api_client.cookies[cookie] = "expired-or-forged"
    assert api_client.get(ME_URL).status_code == 401
    assert not dev_users().exists()


def test_local_settings_read_the_email_from_the_environment_and_list_the_class_after_jwt():
    inherited = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    environment = {
        **inherited,
        **jwt_key_environment(),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DJANGO_SECRET_KEY": "x" * 64,
        "DJANGO_DEV_AUTO_LOGIN_EMAIL": DEV_EMAIL,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps([settings.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'], "
            "settings.GATEHOUSE['DEV_AUTO_LOGIN_EMAIL']]))",
        ],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    classes, email = json.loads(result.stdout.strip().splitlines()[-1])
    assert classes == [JWT_AUTHENTICATION_CLASS, DEV_AUTO_LOGIN_CLASS], "after JWT, so a token is always decided first"
    assert email == DEV_EMAIL


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"GATEHOUSE": {"DEV_AUTO_LOGIN_EMAIL": DEV_EMAIL}}, id="email-only"),
        pytest.param({"REST_FRAMEWORK": {"DEFAULT_AUTHENTICATION_CLASSES": [DEV_AUTO_LOGIN_CLASS]}}, id="class-only"),
    ],
)
def test_the_deploy_check_refuses_either_half_of_the_configuration(overrides):
    with override_settings(**DEPLOYABLE, **overrides):
        [error] = check_dev_auto_login_is_off()
    assert error.id == "api.E004"
    assert error.is_serious()
    assert "\n" not in error.msg


def test_the_deploy_check_passes_without_the_configuration():
    with override_settings(**DEPLOYABLE):
        assert check_dev_auto_login_is_off() == []


def test_check_deploy_fails_with_one_line_when_it_is_configured(settings):
    classes = [*settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"], DEV_AUTO_LOGIN_CLASS]
    configured = {
        "GATEHOUSE": {**settings.GATEHOUSE, "DEV_AUTO_LOGIN_EMAIL": DEV_EMAIL},
        "REST_FRAMEWORK": {**settings.REST_FRAMEWORK, "DEFAULT_AUTHENTICATION_CLASSES": classes},
    }
    with override_settings(**DEPLOYABLE, **configured), pytest.raises(SystemCheckError) as raised:
        call_command("check", deploy=True, fail_level="WARNING")
    [line] = [line for line in str(raised.value).splitlines() if "api.E004" in line]
    assert "(api.E004) Dev auto-login is configured (DevAutoLoginAuthentication is in " in line


def test_production_settings_ignore_the_environment_variable():
    result = run_check_deploy(DJANGO_DEV_AUTO_LOGIN_EMAIL=DEV_EMAIL)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_refuses_production_settings_that_configure_it(tmp_path):
    (tmp_path / "misconfigured_production.py").write_text(MISCONFIGURED_PRODUCTION_SETTINGS)
    result = run_check_deploy(
        DJANGO_SETTINGS_MODULE="misconfigured_production",
        PYTHONPATH=str(tmp_path),
        DJANGO_DEV_AUTO_LOGIN_EMAIL=DEV_EMAIL,
    )
    assert result.returncode != 0
    refusals = [line for line in result.stderr.splitlines() if "api.E004" in line]
    assert len(refusals) == 1, result.stderr
    assert refusals[0].endswith(
        "(api.E004) Dev auto-login is configured (DevAutoLoginAuthentication is in DEFAULT_AUTHENTICATION_CLASSES "
        'and GATEHOUSE["DEV_AUTO_LOGIN_EMAIL"] is set): requests without credentials could act as a user. '
        "Remove it from these settings (it belongs in config/settings/local.py only)."
    ), refusals[0]
