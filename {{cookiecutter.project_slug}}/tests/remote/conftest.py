"""Fixtures for the remote tests: tokens as the auth service signs them, for users this service may not have yet.

The fake auth service itself (its JWKS) is the autouse `auth_service` fixture of tests/conftest.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings

ME_URL = "/api/auth/me/"
JWKS_PATH = "/.well-known/jwks.json"


def auth_service_url(path: str) -> str:
    return settings.GATEHOUSE["AUTH_SERVICE_URL"] + path


def jwks_fetches(mock) -> int:
    """How many times this service has asked the fake auth service for its JWKS."""
    return sum(1 for call in mock.calls if call.request.url == auth_service_url(JWKS_PATH))


@pytest.fixture
def remote_user() -> SimpleNamespace:
    """A user of the auth service, as its tokens describe them; this service has no row for them yet."""
    return SimpleNamespace(pk=uuid.uuid4())


@pytest.fixture
def remote_token(make_access_token, remote_user) -> Callable[..., str]:
    """An access token of the auth service for `remote_user`, with the user claims it writes; overrides change them."""

    def make(**overrides: Any) -> str:
        claims = {
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "is_staff": False,
            "is_superuser": False,
            **overrides,
        }
        return make_access_token(remote_user, **claims)

    return make
