"""Fixtures of the account tests."""

from collections.abc import Callable
from typing import Any

import pytest

from .account_helpers import AccountClient


@pytest.fixture
def accounts(api_client, django_capture_on_commit_callbacks) -> AccountClient:
    return AccountClient(api_client, django_capture_on_commit_callbacks)


@pytest.fixture
def issue_tokens(db) -> Callable[..., Any]:
    """Issue a real token pair for `user`, as a completed login does (a TokenPair: access, refresh, expires_in)."""
    from {{ cookiecutter.project_slug }}.authn.tokens import (
        issue_tokens as issue,
    )

    return issue
