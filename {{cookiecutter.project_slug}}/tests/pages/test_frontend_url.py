"""FRONTEND_URL defaults to these pages: on the address `make serve` serves locally, on the domain in production."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ..authn.jwt_environment import jwt_key_environment
from ..test_settings import PRODUCTION_ENVIRONMENT, PROJECT_DIR


def frontend_url(**environment: str) -> str:
    inherited = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.FRONTEND_URL)",
        ],
        cwd=PROJECT_DIR,
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def local(**environment: str) -> str:
    return frontend_url(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_READ_DOT_ENV_FILE="false",
        DJANGO_SECRET_KEY="x" * 64,
        **jwt_key_environment(),
        **environment,
    )


@pytest.mark.parametrize(
    ("serve_address", "expected"),
    [
        (None, "http://127.0.0.1:8000"),
        ("127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("8124", "http://127.0.0.1:8124"),
        ("localhost:9000", "http://localhost:9000"),
    ],
)
def test_locally_emailed_links_lead_to_the_server_make_serve_runs(serve_address, expected):
    environment = {} if serve_address is None else {"DJANGO_SERVE_ADDRESS": serve_address}
    assert local(**environment) == expected


def test_a_frontend_url_that_is_set_wins_over_the_served_address():
    assert local(DJANGO_SERVE_ADDRESS="8123", FRONTEND_URL="https://app.example.org") == "https://app.example.org"


def test_in_production_emailed_links_lead_to_the_pages_on_the_domain():
    assert frontend_url(**PRODUCTION_ENVIRONMENT) == "https://{{ cookiecutter.domain_name }}"
{%- if cookiecutter.use_social_login == "y" %}


def test_the_social_callback_of_the_pages_is_an_allowed_redirect_by_default():
    from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings

    assert gatehouse_settings.OIDC_ALLOWED_REDIRECT_URIS == ["https://{{ cookiecutter.domain_name }}/signed-in"]
{%- endif %}
