"""Fixtures of the account tests."""

import pytest

from .helpers import AccountClient


@pytest.fixture
def accounts(api_client, django_capture_on_commit_callbacks) -> AccountClient:
    return AccountClient(api_client, django_capture_on_commit_callbacks)
