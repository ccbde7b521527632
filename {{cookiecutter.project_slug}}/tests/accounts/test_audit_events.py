"""Password changes and resets reach the audit log, with no password or link token in it."""

from __future__ import annotations

import pytest

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent

from ..audit.helpers import assert_no_secrets, events
from ..factories import DEFAULT_PASSWORD, UserFactory
from ..tokens import authenticated
from .helpers import emails_to, reset_params

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new sturdy lantern"
Kind = AuthEvent.Kind


def test_password_change_and_reset_are_recorded(api_client, issue_tokens, django_capture_on_commit_callbacks):
    user = UserFactory()
    body = {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    api_client.post("/api/auth/password/change/", body, format="json", **authenticated(issue_tokens(user).access))
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/auth/password/reset/", {"email": user.email}, format="json")
    params = reset_params(emails_to(user.email)[-1])
    api_client.post("/api/auth/password/reset/confirm/", {**params, "password": DEFAULT_PASSWORD}, format="json")
    assert [event.user for event in events(Kind.PASSWORD_CHANGED)] == [user]
    assert [event.user for event in events(Kind.PASSWORD_RESET)] == [user]
    assert_no_secrets(DEFAULT_PASSWORD, NEW_PASSWORD, params["token"])
