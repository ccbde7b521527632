"""Two web processes behind one Redis: login flows and lockouts hold across processes.

One render of the default answers is served by two gunicorn processes (one worker
each, on two free loopback ports), configured as a deployment without a broker would
be: REDIS_URL set (the shared cache that holds flows, codes and lockout counters),
CELERY_BROKER_URL unset (tasks run inline in the web process), and email to an SMTP
sink inside this process. A flow started on one process is finished on the other, and
wrong answers sent to both add up to one lockout, which outlives a flush of Redis. The
right code posted to both at once completes one login and counts no failure.

Redis must listen on 127.0.0.1:6379; the tests use database 13 (test_email_delivery.py uses 9 and 10, test_production_e2e.py 11 and 12).
"""

from __future__ import annotations

import re
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness.deployment import Answer, Deployment, local_deployment, post, stop, wait_until_serving
from harness.processes import describe, run
from harness.smtp_sink import free_loopback_port

pytestmark = pytest.mark.xdist_group("two-processes")

CACHE_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "sturdy lantern orchard"
# GATEHOUSE's defaults, which the render keeps: ten wrong answers lock an account.
ACCOUNT_THRESHOLD = 10
CODE = re.compile(r"\b[0-9]{6}\b")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[Deployment]:
    """The default answers rendered and migrated, sharing Redis database 13, emailing an SMTP sink."""
    with local_deployment(
        tmp_path_factory, cookiecutter_config, "two-processes", redis_urls=(CACHE_URL,), REDIS_URL=CACHE_URL
    ) as deployment:
        yield deployment


def serve_one_worker(deployment: Deployment, name: str) -> tuple[str, subprocess.Popen]:
    """gunicorn with a single worker on a free loopback port: one process, one cache client."""
    port = free_loopback_port()
    command = [deployment.bin / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = deployment.start(name, command)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url, process, deployment, name)
    except BaseException:
        stop(process)
        raise
    return base_url, process


@pytest.fixture(scope="module")
def servers(deployment: Deployment) -> Iterator[tuple[str, str]]:
    """The base URLs of two web processes serving the same deployment."""
    first_url, first = serve_one_worker(deployment, "web-a")
    try:
        second_url, second = serve_one_worker(deployment, "web-b")
    except BaseException:
        stop(first)
        raise
    yield first_url, second_url
    stop(second)
    stop(first)


def create_user(deployment: Deployment, email: str) -> None:
    deployment.shell(
        "from django.contrib.auth import get_user_model; "
        f"u = get_user_model().objects.create_user(email={email!r}, password={PASSWORD!r}); "
        "u.is_active = True; u.activation_pending = False; u.save(); print(u.pk)"
    )


def emailed_code(deployment: Deployment, email: str, count: int) -> str:
    """The code in the `count`th email to `email` (waiting at most 30 seconds for it)."""
    message = deployment.sink.wait_for(email, count=count, timeout=30)[count - 1]
    codes = CODE.findall(message.text)
    assert len(codes) == 1, f"expected one code in:\n{message.text}"
    return codes[0]


def test_an_email_code_requested_on_one_process_is_verified_on_the_other(servers, deployment: Deployment):
    first, second = servers
    create_user(deployment, "ada@example.com")
    started = post(first, "/api/auth/login/email-code/", {"email": "ada@example.com"})
    assert started.status == 200, (started, deployment.log("web-a"))
    code = emailed_code(deployment, "ada@example.com", 1)
    finished = post(second, "/api/auth/login/email-code/", {"flow": started.body["flow"], "code": code})
    assert finished.status == 200, (finished, deployment.log("web-b"))
    assert finished.body["status"] == "complete"

    # The refresh token's family is shared too: rotated on one process, the old token is refused on the
    # other (within REFRESH_REUSE_GRACE, so the family lives on), where the new one goes on working.
    rotated = post(first, "/api/auth/token/refresh/", {"refresh": finished.body["refresh"]})
    assert rotated.status == 200, rotated
    assert post(second, "/api/auth/token/refresh/", {"refresh": finished.body["refresh"]}).status == 401
    assert post(second, "/api/auth/token/refresh/", {"refresh": rotated.body["refresh"]}).status == 200


def test_password_then_code_with_each_step_on_another_process(servers, deployment: Deployment):
    first, second = servers
    create_user(deployment, "grace@example.com")
    credentials = {"email": "grace@example.com", "password": PASSWORD}
    started = post(second, "/api/auth/login/password-and-email-code/", credentials)
    assert (started.status, started.body["next_step"]) == (200, "verify"), started
    code = emailed_code(deployment, "grace@example.com", 1)
    finished = post(first, "/api/auth/login/password-and-email-code/", {"flow": started.body["flow"], "code": code})
    assert (finished.status, finished.body["status"]) == (200, "complete"), finished


def test_failures_split_between_the_processes_add_up_to_one_lockout(servers, deployment: Deployment):
    first, second = servers
    create_user(deployment, "locked@example.com")
    for attempt in range(ACCOUNT_THRESHOLD):
        server = (first, second)[attempt % 2]
        wrong = post(server, "/api/auth/login/password/", {"email": "locked@example.com", "password": "wrong guess"})
        assert wrong.status == 401, wrong
    for server in (first, second):
        locked = post(server, "/api/auth/login/password/", {"email": "locked@example.com", "password": PASSWORD})
        assert locked.status == 429, (locked, "the right password during a lockout is refused on both processes")
        assert locked.body["errors"][0]["code"] == "locked_out"
    # The header is checked on a raw answer: urllib's error keeps it.
    request = urllib.request.Request(
        f"{first}/api/auth/login/password/",
        data=b'{"email": "locked@example.com", "password": "x"}',
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30)
    assert 0 < int(refused.value.headers["Retry-After"]) <= 15 * 60


def failures_of(deployment: Deployment, email: str) -> str:
    """The count of wrong answers the login app's AccountLockout row holds for `email` ("0" without a row)."""
    return deployment.shell(
        "import importlib; from django.apps import apps; "
        "identity = importlib.import_module(apps.get_app_config('authn').name + '.identity'); "
        f"row = apps.get_model('login', 'AccountLockout').objects.filter(account_key=identity.identifier_key({email!r}))"
        ".first(); print(row.failures if row else 0)"
    )


def test_the_same_code_posted_to_both_processes_at_once_completes_one_login_and_counts_no_failure(
    servers, deployment: Deployment
):
    create_user(deployment, "twice@example.com")
    started = post(servers[0], "/api/auth/login/email-code/", {"email": "twice@example.com"})
    assert started.status == 200, started
    body = {"flow": started.body["flow"], "code": emailed_code(deployment, "twice@example.com", 1)}
    answers: list[Answer] = []
    both_ready = threading.Barrier(2)

    def answer(server: str) -> None:
        both_ready.wait(timeout=30)
        answers.append(post(server, "/api/auth/login/email-code/", body))

    threads = [threading.Thread(target=answer, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    completed = [reply for reply in answers if reply.status == 200]
    refused = [reply for reply in answers if reply.status != 200]
    assert len(completed) == 1 and completed[0].body["status"] == "complete", answers
    # Refused at the claim of the step (flow_invalid), or after the winner deleted the flow (flow_expired):
    # never for a wrong code.
    assert len(refused) == 1 and refused[0].status == 400, answers
    assert refused[0].body["errors"][0]["code"] in {"flow_invalid", "flow_expired"}, refused
    assert failures_of(deployment, "twice@example.com") == "0", "the refused twin counted a failure"


def test_a_lockout_outlives_a_flush_of_redis(servers, deployment: Deployment):
    first, second = servers
    create_user(deployment, "flushed@example.com")
    for _ in range(ACCOUNT_THRESHOLD):
        post(first, "/api/auth/login/password/", {"email": "flushed@example.com", "password": "wrong guess"})
    # What a Redis restart without persistence, or an eviction, does to the cache.
    flush = run(
        [deployment.bin / "python", "-c", f"import redis; redis.Redis.from_url({CACHE_URL!r}).flushdb()"],
        cwd=deployment.path,
        environment=deployment.environment,
    )
    assert flush.returncode == 0, describe(flush)
    for server in (first, second):
        locked = post(server, "/api/auth/login/password/", {"email": "flushed@example.com", "password": PASSWORD})
        assert (locked.status, locked.body["errors"][0]["code"]) == (429, "locked_out"), locked
