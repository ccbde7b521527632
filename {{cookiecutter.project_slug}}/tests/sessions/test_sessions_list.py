"""`GET sessions/` lists the user's logins and `DELETE sessions/<id>/` ends one, whatever the token transport.

A session is one login (one refresh-token family): the list shows how it was made and
where it was last used from, and marks the request's own session `current`.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario
from {{ cookiecutter.project_slug }}.sessions.models import RefreshFamily
from {{ cookiecutter.project_slug }}.sessions.service import recent_session_uses

from ..factories import UserFactory
from ..login.helpers import enable_scenarios
from .transport_client import TransportClient, signed_in

pytestmark = pytest.mark.django_db

SESSIONS_URL = "/api/auth/sessions/"
ME_URL = "/api/auth/me/"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"


def session_url(session_id: str) -> str:
    return f"{SESSIONS_URL}{session_id}/"


@pytest.fixture
def log_in(settings):
    """log_in(user, user_agent=..., ip=...): a client of this project's transport, logged in with a password."""
    enable_scenarios(settings, PasswordScenario)

    def log_in(user, *, user_agent: str = FIREFOX, ip: str = "198.51.100.7") -> TransportClient:
        return signed_in(user, HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)

    return log_in


def sessions_of(client: TransportClient) -> list[dict]:
    response = client.get(SESSIONS_URL)
    assert response.status_code == 200, (response.status_code, response.content)
    return response.json()["sessions"]


def test_the_list_shows_each_login_newest_first_and_marks_the_current_one(log_in):
    user = UserFactory()
    laptop = log_in(user, user_agent=FIREFOX, ip="198.51.100.7")
    phone = log_in(user, user_agent=CHROME, ip="203.0.113.9")
    sessions = sessions_of(phone)
    assert [(s["user_agent"], s["ip"], s["scenario"], s["current"]) for s in sessions] == [
        (CHROME, "203.0.113.9", "password", True),
        (FIREFOX, "198.51.100.7", "password", False),
    ]
    fields = {"id", "created_at", "last_used_at", "expires_at", "scenario", "ip", "user_agent", "current"}
    assert set(sessions[0]) == fields
    assert [s["current"] for s in sessions_of(laptop)] == [False, True]


def test_the_list_holds_only_the_users_own_live_sessions(log_in):
    user = UserFactory()
    client = log_in(user)
    log_in(UserFactory())
    ended = log_in(user)
    assert ended.delete(session_url(sessions_of(ended)[0]["id"])).status_code == 204
    expired = log_in(user)
    RefreshFamily.objects.filter(pk=sessions_of(expired)[0]["id"]).update(expires_at=timezone.now())
    assert len(sessions_of(client)) == 1


def test_a_session_whose_refresh_token_expired_unused_is_not_listed(log_in, settings):
    user = UserFactory()
    client = log_in(user)
    stale = log_in(user)
    stale_id = next(s["id"] for s in sessions_of(stale) if s["current"])
    family = RefreshFamily.objects.get(pk=stale_id)
    OutstandingToken.objects.filter(jti=family.current_jti).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert stale_id not in [s["id"] for s in sessions_of(client)]


def test_ending_another_session_refuses_its_refresh_token_and_records_it(log_in):
    user = UserFactory()
    laptop, phone = log_in(user), log_in(user)
    laptop_session = next(s["id"] for s in sessions_of(laptop) if s["current"])
    response = phone.delete(session_url(laptop_session))
    assert response.status_code == 204, response.content
    assert laptop.refresh_tokens().status_code == 401, "the ended session's refresh token must be refused"
    assert phone.refresh_tokens().status_code == 200, "the session that ended the other one lives on"
    assert [s["id"] for s in sessions_of(phone)] != [laptop_session]
    event = AuthEvent.objects.get(kind=AuthEvent.Kind.SESSION_ENDED)
    assert (event.user, event.extra) == (user, {"family": laptop_session})


def test_ending_the_current_session_logs_out(log_in):
    client = log_in(UserFactory())
    session_id = sessions_of(client)[0]["id"]
    assert client.delete(session_url(session_id)).status_code == 204
    assert client.refresh_tokens().status_code == 401


@pytest.mark.parametrize("session_id", ["another-users", "0" * 32, "x" * 300])
def test_ending_a_session_that_is_not_the_users_answers_404_session_not_found(session_id, log_in):
    owner, stranger = log_in(UserFactory()), log_in(UserFactory())
    if session_id == "another-users":
        session_id = sessions_of(owner)[0]["id"]
    response = stranger.delete(session_url(session_id))
    assert response.status_code == 404, response.content
    assert response.json()["errors"][0]["code"] == "session_not_found"
    assert owner.refresh_tokens().status_code == 200, "nobody else's session may be ended"


def test_with_instant_revocation_an_ended_sessions_access_token_is_refused_at_once(log_in, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "INSTANT_ACCESS_REVOCATION": True}
    user = UserFactory()
    laptop, phone = log_in(user), log_in(user)
    laptop_session = next(s["id"] for s in sessions_of(laptop) if s["current"])
    assert phone.delete(session_url(laptop_session)).status_code == 204
    assert laptop.get(ME_URL).status_code == 401, "the ended session's access token must stop working"
    assert phone.get(ME_URL).status_code == 200, "the user's other sessions keep working"


def test_a_refresh_records_where_the_session_is_used_from(log_in):
    client = log_in(UserFactory(), user_agent=FIREFOX, ip="198.51.100.7")
    client.headers.update(HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.9")
    assert client.refresh_tokens().status_code == 200
    (session,) = sessions_of(client)
    assert (session["user_agent"], session["ip"], session["current"]) == (CHROME, "203.0.113.9", True)


def family_writes(queries: CaptureQueriesContext) -> list[str]:
    statements = [query["sql"] for query in queries.captured_queries]
    return [sql for sql in statements if sql.startswith("UPDATE") and "refreshfamily" in sql]


def test_requests_move_last_used_at_at_most_once_per_precision(log_in):
    client = log_in(UserFactory())
    (session,) = sessions_of(client)
    family = RefreshFamily.objects.filter(pk=session["id"])
    an_hour_ago = timezone.now() - timedelta(hours=1)
    family.update(last_used_at=an_hour_ago)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ME_URL).status_code == 200
    assert not family_writes(queries), "the login noted the session: within the precision a request writes nothing"
    recent_session_uses.forget()
    assert client.get(ME_URL).status_code == 200
    moved = family.get().last_used_at
    assert moved > an_hour_ago, "the first use past the precision moves it"
    # Another process, which has not seen the session yet: its UPDATE is conditional and changes nothing.
    recent_session_uses.forget()
    assert client.get(ME_URL).status_code == 200
    assert family.get().last_used_at == moved


def test_staff_can_end_sessions_in_the_admin(log_in, admin_client):
    user = UserFactory()
    client = log_in(user)
    response = admin_client.post(
        reverse("admin:user_sessions_refreshfamily_changelist"),
        {"action": "end_sessions", "_selected_action": [session["id"] for session in sessions_of(client)]},
    )
    assert response.status_code == 302, response.content
    assert client.refresh_tokens().status_code == 401
    assert AuthEvent.objects.filter(kind=AuthEvent.Kind.SESSION_ENDED, user=user).count() == 1
