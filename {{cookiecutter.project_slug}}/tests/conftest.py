import io
import logging

import pytest
from rest_framework.test import APIClient

from .factories import UserFactory


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache: flows, codes and counters never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def console_log():
    """What the project's console log handler (LOGGING in settings) writes during the test."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.get_name() == "console")
    output = io.StringIO()
    previous_stream = handler.setStream(output)
    yield output
    handler.setStream(previous_stream)
