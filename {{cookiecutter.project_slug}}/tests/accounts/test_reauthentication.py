"""Sensitive actions need a recent login; `POST reauthenticate/` renews it with the password, in the same session.

The access token's `auth_time` says when its session last authenticated. Older than
GATEHOUSE["REAUTHENTICATION_MAX_AGE"], a password change or ending another session answers
401 `reauthentication_required`; the password posted to `reauthenticate/` gives a fresh
pair in the same session, and the action goes through. Tokens travel as this project's
transport carries them.
"""

from datetime import timedelta

import jwt
import pytest
from django.utils import timezone

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario
from {{ cookiecutter.project_slug }}.sessions.models import RefreshFamily

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import enable_scenarios
from ..sessions.transport_client import TransportClient, age_the_login, signed_in

pytestmark = pytest.mark.django_db

REAUTHENTICATE_URL = "/api/auth/reauthenticate/"
PASSWORD_CHANGE_URL = "/api/auth/password/change/"
SESSIONS_URL = "/api/auth/sessions/"
NEW_PASSWORD = "a brand new passphrase"
MAX_AGE = timedelta(minutes=5)


@pytest.fixture
def log_in(settings):
    """log_in(user, authenticated_ago=...): a client logged in with a password that long ago (by its `auth_time`)."""
    enable_scenarios(settings, PasswordScenario, REAUTHENTICATION_MAX_AGE=MAX_AGE, LOCKOUT_ACCOUNT_THRESHOLD=3)

    def log_in(user, *, authenticated_ago: timedelta = timedelta(0)) -> TransportClient:
        client = signed_in(user)
        if authenticated_ago:
            age_the_login(client, user, authenticated_ago)
        return client

    return log_in


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, (response.status_code, response.content)
    assert response.json()["errors"][0]["code"] == code


def change_password(client: TransportClient):
    return client.post(PASSWORD_CHANGE_URL, {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD})


def current_session_id(client: TransportClient) -> str:
    return next(session["id"] for session in client.get(SESSIONS_URL).json()["sessions"] if session["current"])


def test_a_password_change_long_after_the_login_needs_a_reauthentication(log_in):
    user = UserFactory()
    client = log_in(user, authenticated_ago=MAX_AGE + timedelta(minutes=1))
    assert_error(change_password(client), 401, "reauthentication_required")
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD), "nothing changed"

    response = client.post(REAUTHENTICATE_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.content
    client.keep_tokens(response)
    assert change_password(client).status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_reauthentication_renews_auth_time_in_the_same_session(log_in):
    user = UserFactory()
    client = log_in(user, authenticated_ago=timedelta(hours=2))
    session_id = current_session_id(client)
    started_at = RefreshFamily.objects.get(pk=session_id).started_at
    stale_refresh = client.refresh
    response = client.post(REAUTHENTICATE_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.content
    client.keep_tokens(response)
    assert current_session_id(client) == session_id, "the same session, not a new login"
    assert RefreshFamily.objects.filter(user=user).count() == 1
    family = RefreshFamily.objects.get(pk=session_id)
    assert timezone.now() - family.authenticated_at < timedelta(seconds=5)
    assert family.started_at == started_at, "the login's own time is kept"
    if client.access is not None:
        auth_time = jwt.decode(client.access, options={"verify_signature": False})["auth_time"]
        assert abs(auth_time - timezone.now().timestamp()) < 5
    if stale_refresh is not None:
        # The session's former refresh token was replaced, as by a refresh.
        replaced = client.client.post("/api/auth/token/refresh/", {"refresh": stale_refresh}, format="json")
        assert replaced.status_code == 401
    assert client.refresh_tokens().status_code == 200, "the session lives on with its new token"
    assert AuthEvent.objects.filter(kind=AuthEvent.Kind.REAUTHENTICATED, user=user).count() == 1


def test_a_wrong_password_is_refused_and_counts_toward_the_lockout(log_in):
    user = UserFactory()
    client = log_in(user, authenticated_ago=timedelta(hours=1))
    for _attempt in range(3):
        assert_error(client.post(REAUTHENTICATE_URL, {"password": "not the password"}), 400, "password_incorrect")
    response = client.post(REAUTHENTICATE_URL, {"password": DEFAULT_PASSWORD})
    assert_error(response, 429, "locked_out")
    assert "Retry-After" in response


def test_ending_another_session_needs_a_recent_login_and_ending_ones_own_does_not(log_in):
    user = UserFactory()
    laptop = log_in(user)
    phone = log_in(user, authenticated_ago=timedelta(hours=1))
    laptop_session = current_session_id(laptop)
    assert_error(phone.delete(f"{SESSIONS_URL}{laptop_session}/"), 401, "reauthentication_required")
    assert laptop.refresh_tokens().status_code == 200, "the other session is untouched"
    assert phone.delete(f"{SESSIONS_URL}{current_session_id(phone)}/").status_code == 204


def test_reauthentication_needs_an_access_token(api_client):
    response = api_client.post(REAUTHENTICATE_URL, {"password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 401


def test_reauthentication_in_an_ended_session_is_refused(log_in):
    user = UserFactory()
    client = log_in(user)
    RefreshFamily.objects.filter(user=user).update(revoked_at=timezone.now())
    assert_error(client.post(REAUTHENTICATE_URL, {"password": DEFAULT_PASSWORD}), 401, "token_not_valid")
