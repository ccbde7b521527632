"""`POST me/delete/` deletes the account with every session and says goodbye; `GET me/export/` hands over its data.

Both as a client of this project's token transport: the tokens travel in bodies or cookies.
"""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.authn.identity import identifier_key
from {{ cookiecutter.project_slug }}.sessions.models import RefreshFamily

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..sessions.transport_client import age_the_login

pytestmark = pytest.mark.django_db

DELETE_URL = "/api/auth/me/delete/"
EXPORT_URL = "/api/auth/me/export/"
User = get_user_model()


def test_deleting_the_account_ends_every_session_emails_a_goodbye_and_frees_the_address(
    log_in, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ada@example.com", first_name="Ada")
    client, other_device = log_in(user), log_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 204, response.content
    assert not User.objects.filter(email="ada@example.com").exists()
    assert not RefreshFamily.objects.exists(), "the sessions go with the account"
    assert other_device.refresh_tokens().status_code == 401
    (goodbye,) = mail.outbox
    assert goodbye.to == ["ada@example.com"]
    assert "deleted" in goodbye.subject
    assert "Ada" in goodbye.body
    event = AuthEvent.objects.get(kind=AuthEvent.Kind.ACCOUNT_DELETED)
    assert (event.user, event.identifier_hash) == (None, identifier_key("ada@example.com"))
    assert AuthEvent.objects.filter(kind=AuthEvent.Kind.LOGIN_SUCCEEDED, user=None).count() == 2, (
        "the audit log keeps its events, without the account"
    )
    assert User.objects.create_user(email="ada@example.com", password="a new beginning").pk != user.pk


def test_deleting_needs_the_password_and_a_wrong_one_changes_nothing(log_in):
    user = UserFactory()
    client = log_in(user)
    response = client.post(DELETE_URL, {"password": "not the password"})
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["code"] == "password_incorrect"
    assert User.objects.filter(pk=user.pk).exists()
    assert client.refresh_tokens().status_code == 200


def test_deleting_long_after_the_login_needs_a_reauthentication(log_in):
    user = UserFactory()
    client = log_in(user)
    age_the_login(client, user, timedelta(hours=1))
    response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 401, response.content
    assert response.json()["errors"][0]["code"] == "reauthentication_required"
    assert User.objects.filter(pk=user.pk).exists()


def test_the_export_holds_the_profile_sessions_events_and_emails_and_no_secret(
    log_in, django_capture_on_commit_callbacks
):
    user = UserFactory(first_name="Ada", last_name="Lovelace")
    client = log_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        changed = client.post(
            "/api/auth/password/change/", {"old_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase"}
        )
    assert changed.status_code == 200, changed.content
    # The change ended the session; its access token still works for its few minutes.
    response = client.get(EXPORT_URL)
    assert response.status_code == 200, response.content
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert set(data) >= {"user", "sessions", "audit_events", "emails"}
    assert data["user"]["email"] == user.email
    assert (data["user"]["first_name"], data["user"]["last_name"]) == ("Ada", "Lovelace")
    assert [(session["scenario"], session["ended_because"]) for session in data["sessions"]] == [
        ("password", "revoke_all")
    ]
    assert {event["kind"] for event in data["audit_events"]} == {"login_succeeded", "password_changed"}
    assert [(email["kind"], email["status"]) for email in data["emails"]] == [("password_changed", "sent")]
    text = json.dumps(data)
    family = RefreshFamily.objects.get(user=user)
    secrets = [user.password, family.current_jti, identifier_key(user.email)]
    secrets += [client.access, client.refresh] if client.access else []
    assert not [secret for secret in secrets if secret and secret in text], "the export holds no secret"


def test_the_export_needs_an_access_token(api_client):
    assert api_client.get(EXPORT_URL).status_code == 401
