"""Fixtures of the account tests."""

from datetime import timedelta

import pytest

from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..login.helpers import enable_scenarios
from ..sessions.transport_client import signed_in
from .helpers import AccountClient

# How recent a login the sensitive account endpoints ask for in these tests.
REAUTHENTICATION_MAX_AGE = timedelta(minutes=5)


@pytest.fixture
def accounts(api_client, django_capture_on_commit_callbacks) -> AccountClient:
    return AccountClient(api_client, django_capture_on_commit_callbacks)


@pytest.fixture
def log_in(settings):
    """log_in(user): a client of this project's transport, just logged in with the password scenario."""
    enable_scenarios(settings, PasswordScenario, REAUTHENTICATION_MAX_AGE=REAUTHENTICATION_MAX_AGE)
    return signed_in
