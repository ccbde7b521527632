"""Fixtures of the second-factor tests."""

from datetime import timedelta

import pytest

from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..login.helpers import enable_scenarios
from ..sessions.transport_client import TransportClient, age_the_login, signed_in
from .helpers import TotpClock

# How recent a login the second-factor changes ask for in these tests.
REAUTHENTICATION_MAX_AGE = timedelta(minutes=5)


@pytest.fixture
def clock(monkeypatch) -> TotpClock:
    return TotpClock(monkeypatch)


@pytest.fixture
def log_in(settings):
    """log_in(user, authenticated_ago=...): a client of this project's transport, logged in with a password."""
    enable_scenarios(settings, PasswordScenario, REAUTHENTICATION_MAX_AGE=REAUTHENTICATION_MAX_AGE)

    def log_in(user, *, authenticated_ago: timedelta = timedelta(0)) -> TransportClient:
        client = signed_in(user)
        if authenticated_ago:
            age_the_login(client, user, authenticated_ago)
        return client

    return log_in
