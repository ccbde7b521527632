"""The settings a frontend on another origin needs are read from the environment, with local defaults that
let a frontend's development server work at once (docs/frontend.md, docs/configuration.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .authn.jwt_environment import jwt_key_environment
from .test_settings import PRODUCTION_ENVIRONMENT

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOCAL_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings.local",
    "DJANGO_READ_DOT_ENV_FILE": "false",
    "DJANGO_SECRET_KEY": "x" * 64,
    **jwt_key_environment(),
}
# A frontend's dev server (Vite) and runserver, under both loopback names.
LOCAL_FRONTEND_ORIGINS = [
    "http://localhost:5173",
    "http://127.0.0.1:5173",
    "http://localhost:8000",
    "http://127.0.0.1:8000",
]
PRINT_SETTINGS = (
    "import json; from django.conf import settings; print(json.dumps({name: getattr(settings, name) for name in "
    "['CORS_ALLOWED_ORIGINS', 'CSRF_TRUSTED_ORIGINS', 'CSRF_COOKIE_SAMESITE', 'CSRF_COOKIE_DOMAIN', "
    "'CSRF_COOKIE_SECURE', 'GATEHOUSE']}, default=str))"
)


def settings_of(environment: dict[str, str]) -> dict[str, Any]:
    """The frontend-related settings a process started with `environment` has."""
    inherited = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(  # noqa: S603 (a fixed command)
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=PROJECT_DIR,
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_local_settings_allow_and_trust_a_frontends_dev_server_and_runserver_by_default():
    local = settings_of(LOCAL_ENVIRONMENT)
    assert local["CORS_ALLOWED_ORIGINS"] == LOCAL_FRONTEND_ORIGINS
    assert local["CSRF_TRUSTED_ORIGINS"] == LOCAL_FRONTEND_ORIGINS
    assert local["CSRF_COOKIE_SECURE"] is False, "with DEBUG on, a Secure csrftoken would not come back over http://"


def test_production_settings_trust_no_origin_by_default_and_keep_the_csrf_cookie_secure():
    production = settings_of({**PRODUCTION_ENVIRONMENT, "DJANGO_CSRF_COOKIE_SECURE": "false"})
    assert production["CORS_ALLOWED_ORIGINS"] == []
    assert production["CSRF_TRUSTED_ORIGINS"] == []
    assert production["CSRF_COOKIE_SECURE"] is True


def test_origins_and_the_csrf_cookie_are_read_from_the_environment():
    read = settings_of(
        {
            **PRODUCTION_ENVIRONMENT,
            "DJANGO_CORS_ALLOWED_ORIGINS": "https://app.example.net,https://admin.example.net",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://app.example.net",
            "DJANGO_CSRF_COOKIE_SAMESITE": "None",
            "DJANGO_CSRF_COOKIE_DOMAIN": "example.com",
        }
    )
    assert read["CORS_ALLOWED_ORIGINS"] == ["https://app.example.net", "https://admin.example.net"]
    assert read["CSRF_TRUSTED_ORIGINS"] == ["https://app.example.net"]
    assert (read["CSRF_COOKIE_SAMESITE"], read["CSRF_COOKIE_DOMAIN"]) == ("None", "example.com")
{%- if cookiecutter.token_transport != "header" %}


def test_the_auth_cookies_attributes_are_read_from_the_environment():
    gatehouse = settings_of(
        {
            **PRODUCTION_ENVIRONMENT,
            "DJANGO_AUTH_COOKIE_SAMESITE": "None",
            "DJANGO_AUTH_COOKIE_SECURE": "true",
            "DJANGO_AUTH_COOKIE_DOMAIN": "example.com",
            "DJANGO_AUTH_COOKIE_PARTITIONED": "true",
            "DJANGO_CSRF_COOKIE_PARTITIONED": "true",
        }
    )["GATEHOUSE"]
    assert gatehouse["AUTH_COOKIE_SAMESITE"] == "None"
    assert gatehouse["AUTH_COOKIE_SECURE"] is True
    assert gatehouse["AUTH_COOKIE_DOMAIN"] == "example.com"
    assert gatehouse["AUTH_COOKIE_PARTITIONED"] is True
    assert gatehouse["CSRF_COOKIE_PARTITIONED"] is True


def test_the_auth_cookies_follow_debug_unless_the_environment_decides():
    gatehouse = settings_of(PRODUCTION_ENVIRONMENT)["GATEHOUSE"]
    assert gatehouse["AUTH_COOKIE_SECURE"] is None, "None: Secure unless DEBUG"
    assert (gatehouse["AUTH_COOKIE_SAMESITE"], gatehouse["AUTH_COOKIE_DOMAIN"]) == ("Lax", None)
    assert gatehouse["AUTH_COOKIE_PARTITIONED"] is False
{%- endif %}
