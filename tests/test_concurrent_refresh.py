"""Refreshes that race each other, or a logout, on PostgreSQL under gunicorn: never a 5xx, never a deadlock.

A render of the default answers on PostgreSQL is served by gunicorn with several worker
processes, so that requests really run at once and take row locks against each other. In one
pass each:

- ten refreshes of one refresh token (two browser tabs, many times over): exactly one wins, the
  others get 401 `token_not_valid`, and the family survives (they came within
  REFRESH_REUSE_GRACE), so the winner's new token keeps working;
- ten sessions, each refreshed and logged out at once: whichever comes first, no token of the
  session works afterwards;
- the sessions of one user refreshed while `logout/all/` runs: none survives it.

Each answer must be 200, 204 or 401 (a deadlock or a lock error would answer 503).
PostgreSQL must listen on 127.0.0.1:5432 (user postgres); the render gets a database of its own.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from harness.deployment import Answer, Deployment, call, local_deployment, stop, wait_until_serving
from harness.smtp_sink import free_loopback_port

pytestmark = pytest.mark.xdist_group("concurrent-refresh")

WEB_WORKERS = 4
PARALLEL_REFRESHES = 10
RACING_SESSIONS = 10
SESSIONS_OF_ONE_USER = 5
REQUEST_TIMEOUT_SECONDS = 20
ANSWERS = {"database": "postgresql"}


@dataclass
class Session:
    """One login's tokens, as `issue_tokens` hands them out."""

    access: str
    refresh: str


@dataclass
class Server:
    """The deployment, and the base URL of its gunicorn."""

    deployment: Deployment
    base_url: str

    def post(self, path: str, body: dict[str, Any] | None = None, access: str | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {access}"} if access else {}
        return call(self.base_url, "POST", f"/api/auth/{path}", body, headers, timeout=REQUEST_TIMEOUT_SECONDS)

    def refresh(self, token: str) -> Answer:
        return self.post("token/refresh/", {"refresh": token})

    def logout(self, token: str) -> Answer:
        return self.post("logout/", {"refresh": token})

    def sessions(self, email: str, count: int) -> list[Session]:
        """`count` logins of a new active user `email`, made in the project (no password hashing per login)."""
        slug = self.deployment.slug
        printed = self.deployment.shell(
            "import json; from django.contrib.auth import get_user_model; "
            f"from {slug}.sessions.service import issue_tokens; "
            f"user = get_user_model().objects.create_user(email={email!r}, password=None, is_active=True); "
            f"pairs = [issue_tokens(user) for _ in range({count})]; "
            "print(json.dumps([[pair.access, pair.refresh] for pair in pairs]))"
        )
        return [Session(access, refresh) for access, refresh in json.loads(printed)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[Server]:
    """The render on a PostgreSQL database of its own, served by gunicorn with WEB_WORKERS processes."""
    with local_deployment(
        tmp_path_factory, cookiecutter_config, "concurrent-refresh", redis_urls=(), answers=ANSWERS
    ) as deployment:
        port = free_loopback_port()
        gunicorn = deployment.start(
            "gunicorn",
            [deployment.bin / "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(WEB_WORKERS),
            GUNICORN_ACCESS_LOG="false",
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base_url, gunicorn, deployment, "gunicorn")
            yield Server(deployment, base_url)
        finally:
            stop(gunicorn)


def at_once(calls: list[Callable[[], Answer]]) -> list[Answer]:
    """Run `calls` each in its own thread, released together; their answers, in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Answer | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait(timeout=REQUEST_TIMEOUT_SECONDS)
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * REQUEST_TIMEOUT_SECONDS)
    assert all(answer is not None for answer in answers), "every request is answered in time (no deadlock)"
    return [answer for answer in answers if answer is not None]


def assert_no_server_error(server: Server, answers: list[Answer]) -> None:
    """Every answer is a success or a 401 `token_not_valid`: never a 5xx (a deadlock answers 503)."""
    statuses = [answer.status for answer in answers]
    assert set(statuses) <= {200, 204, 401}, f"{statuses}\n{server.deployment.log('gunicorn')}"
    for answer in answers:
        if answer.status == 401:
            assert answer.body["errors"][0]["code"] == "token_not_valid", answer


def test_parallel_refreshes_of_one_token_give_one_new_pair_and_keep_the_family(server: Server):
    (session,) = server.sessions("tabs@example.com", 1)
    answers = at_once([lambda: server.refresh(session.refresh)] * PARALLEL_REFRESHES)
    assert_no_server_error(server, answers)
    winners = [answer for answer in answers if answer.status == 200]
    assert len(winners) == 1, f"exactly one refresh of a token wins: {[answer.status for answer in answers]}"
    assert server.refresh(winners[0].body["refresh"]).status == 200, (
        "the losers came within the grace: the family lives on, and the winner's token works"
    )


def test_a_refresh_racing_a_logout_never_keeps_the_session(server: Server):
    sessions = server.sessions("racing@example.com", RACING_SESSIONS)
    calls: list[Callable[[], Answer]] = []
    for session in sessions:
        calls += [
            lambda token=session.refresh: server.refresh(token),
            lambda token=session.refresh: server.logout(token),
        ]
    answers = at_once(calls)
    assert_no_server_error(server, answers)
    for session, refreshed, logged_out in zip(sessions, answers[::2], answers[1::2], strict=True):
        assert logged_out.status == 204, ("a logout racing a refresh of its token ends the session", logged_out)
        assert server.refresh(session.refresh).status == 401, "the logged-out token is refused"
        if refreshed.status == 200:
            assert server.refresh(refreshed.body["refresh"]).status == 401, (
                "the token of a refresh that won against the logout dies with the session"
            )


def test_refreshes_racing_logout_all_leave_no_session(server: Server):
    sessions = server.sessions("everywhere@example.com", SESSIONS_OF_ONE_USER)
    calls: list[Callable[[], Answer]] = [lambda token=session.refresh: server.refresh(token) for session in sessions]
    calls.append(lambda: server.post("logout/all/", access=sessions[0].access))
    answers = at_once(calls)
    assert_no_server_error(server, answers)
    assert answers[-1].status == 204, answers[-1]
    for session, refreshed in zip(sessions, answers[:-1], strict=True):
        assert server.refresh(session.refresh).status == 401, "every session's token is refused after logout/all"
        if refreshed.status == 200:
            assert server.refresh(refreshed.body["refresh"]).status == 401, (
                "a token that a racing refresh minted is refused too"
            )
