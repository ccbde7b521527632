"""Logouts, logouts everywhere and refresh-token reuse reach the audit log, with no token in it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings

from ..audit.helpers import assert_no_secrets, events
from ..factories import UserFactory
from ..tokens import authenticated
from .helpers import LOGOUT_ALL_URL, logout, refresh, tokens_of

pytestmark = pytest.mark.django_db

Kind = AuthEvent.Kind


def test_logout_logout_all_and_refresh_reuse_are_recorded(api_client, issue_tokens, clock):
    user = UserFactory()
    first = issue_tokens(user)
    logout(api_client, first.refresh)
    second = issue_tokens(user)
    rotated = tokens_of(refresh(api_client, second.refresh))
    # Past REFRESH_REUSE_GRACE, the replay is reuse.
    clock.advance(gatehouse_settings.REFRESH_REUSE_GRACE + timedelta(seconds=1))
    refresh(api_client, second.refresh)
    api_client.post(LOGOUT_ALL_URL, **authenticated(rotated.access))
    assert [event.user for event in events(Kind.LOGOUT)] == [user]
    (reuse,) = events(Kind.REFRESH_REUSE_DETECTED)
    assert reuse.user == user
    assert reuse.extra["family"]
    assert [event.user for event in events(Kind.LOGOUT_ALL)] == [user]
    assert_no_secrets(first.refresh, second.refresh, rotated.refresh, rotated.access)
