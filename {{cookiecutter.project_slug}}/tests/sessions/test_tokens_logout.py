"""`logout/` ends one session, `logout/all/` every session of the user; forged tokens change nothing."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from {{ cookiecutter.project_slug }}.authn.errors import NOT_AUTHENTICATED, TOKEN_NOT_VALID
from {{ cookiecutter.project_slug }}.authn.signals import logged_out, logged_out_everywhere

from ..factories import UserFactory
from ..tokens import authenticated
from .helpers import LOGOUT_ALL_URL, LOGOUT_URL, logout, refresh, tokens_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """Record the keyword arguments of every logged_out and logged_out_everywhere signal sent."""
    calls = []

    def record(signal):
        def receiver(sender, **kwargs):
            calls.append((signal, kwargs))

        return receiver

    receivers = {logged_out: record("logged_out"), logged_out_everywhere: record("logged_out_everywhere")}
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    yield calls
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def test_logout_answers_204_and_the_refresh_token_is_refused_afterwards(api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    response = logout(api_client, pair.refresh)
    assert response.status_code == 204
    assert response.content == b""
    assert refresh(api_client, pair.refresh).status_code == 401


def test_logout_leaves_the_users_other_sessions_alone(api_client, issue_tokens):
    user = UserFactory()
    this_session, other_session = issue_tokens(user), issue_tokens(user)
    logout(api_client, this_session.refresh)
    assert refresh(api_client, other_session.refresh).status_code == 200


@pytest.mark.parametrize("mangle", ["signature", "payload", "truncate", "garbage"])
def test_logout_with_a_forged_or_malformed_token_is_refused_and_ends_no_session(mangle, api_client, issue_tokens):
    # Regression: logging out with a bad token must not blacklist anything.
    user = UserFactory()
    pair = issue_tokens(user)
    header, payload, signature = pair.refresh.split(".")
    other_payload = issue_tokens(UserFactory()).refresh.split(".")[1]
    token = {
        "signature": f"{header}.{payload}.{signature[::-1]}",
        "payload": f"{header}.{other_payload}.{signature}",
        "truncate": f"{header}.{payload}",
        "garbage": "not-a-token",
    }[mangle]
    response = logout(api_client, token)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == TOKEN_NOT_VALID
    assert not BlacklistedToken.objects.exists()
    assert refresh(api_client, pair.refresh).status_code == 200


def test_logout_with_an_access_token_is_refused(api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    assert logout(api_client, pair.access).status_code == 401
    assert refresh(api_client, pair.refresh).status_code == 200


def test_logging_out_twice_is_refused_the_second_time(api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    assert logout(api_client, pair.refresh).status_code == 204
    assert logout(api_client, pair.refresh).status_code == 401


def test_a_logged_out_refresh_token_is_refused_by_verify(api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    logout(api_client, pair.refresh)
    assert api_client.post("/api/auth/token/verify/", {"token": pair.refresh}, format="json").status_code == 401


def test_logout_sends_logged_out_with_the_user(api_client, issue_tokens, received):
    user = UserFactory()
    logout(api_client, issue_tokens(user).refresh)
    assert [(name, kwargs["user"]) for name, kwargs in received] == [("logged_out", user)]


def test_logout_refuses_get(api_client):
    assert api_client.get(LOGOUT_URL).status_code == 405


def test_logout_all_refuses_every_refresh_token_of_the_user(api_client, issue_tokens):
    user = UserFactory()
    sessions = [issue_tokens(user) for _ in range(3)]
    response = api_client.post(LOGOUT_ALL_URL, **authenticated(sessions[0].access))
    assert response.status_code == 204
    for session in sessions:
        assert refresh(api_client, session.refresh).status_code == 401


def test_logout_all_also_refuses_refresh_tokens_rotated_in_before_it(api_client, issue_tokens):
    user = UserFactory()
    pair = issue_tokens(user)
    rotated = tokens_of(refresh(api_client, pair.refresh))
    api_client.post(LOGOUT_ALL_URL, **authenticated(rotated.access))
    assert refresh(api_client, rotated.refresh).status_code == 401


def test_logout_all_leaves_other_users_sessions_alone(api_client, issue_tokens):
    mine, theirs = issue_tokens(UserFactory()), issue_tokens(UserFactory())
    api_client.post(LOGOUT_ALL_URL, **authenticated(mine.access))
    assert refresh(api_client, theirs.refresh).status_code == 200


def test_a_login_after_logout_all_works(api_client, issue_tokens):
    user = UserFactory()
    api_client.post(LOGOUT_ALL_URL, **authenticated(issue_tokens(user).access))
    assert refresh(api_client, issue_tokens(user).refresh).status_code == 200


def test_logout_all_requires_authentication(api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    response = api_client.post(LOGOUT_ALL_URL)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == NOT_AUTHENTICATED
    assert refresh(api_client, pair.refresh).status_code == 200


def test_logout_all_refuses_a_refresh_token_as_authentication(api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    assert api_client.post(LOGOUT_ALL_URL, **authenticated(pair.refresh)).status_code == 401
    assert refresh(api_client, pair.refresh).status_code == 200


def test_logout_all_sends_logged_out_everywhere_with_the_user(api_client, issue_tokens, received):
    user = UserFactory()
    api_client.post(LOGOUT_ALL_URL, **authenticated(issue_tokens(user).access))
    assert [(name, kwargs["user"]) for name, kwargs in received] == [("logged_out_everywhere", user)]


def test_logout_all_refuses_get_and_ends_no_session(api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    assert api_client.get(LOGOUT_ALL_URL, **authenticated(pair.access)).status_code == 405
    assert refresh(api_client, pair.refresh).status_code == 200
