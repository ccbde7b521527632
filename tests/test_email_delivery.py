"""Account emails over real services: gunicorn, a Celery worker on Redis, and an SMTP server (aiosmtpd).

One render of the default answers is served by gunicorn with its Celery worker, both
configured as a deployment would be (CELERY_BROKER_URL, EMAIL_HOST, ...), and its
emails land in an SMTP sink inside this process. The tests walk the account flows
end to end (register, read the email, activate, log in; reset, confirm, and the old
refresh tokens are refused), then break things: the broker is unreachable during a
registration, and the mail server refuses twice before it accepts.

Redis must listen on 127.0.0.1:6379; the tests use databases 9 (broker) and 10 (cache).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from harness.processes import clean_environment, describe, run, tail
from harness.rendering import render
from harness.services import Service
from harness.smtp_sink import SmtpSink, free_loopback_port
from harness.venvs import virtualenv_for

# Everything here shares one render, its venv and its processes: one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("email-delivery")

REDIS = Service("Redis", "127.0.0.1", 6379, "redis-server --daemonize yes")
BROKER_URL = "redis://127.0.0.1:6379/9"
CACHE_URL = "redis://127.0.0.1:6379/10"
FRONTEND_URL = "https://frontend.example.org"
PASSWORD = "sturdy lantern orchard"
NEW_PASSWORD = "brand new sturdy lantern"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 15
NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Answer:
    """An HTTP answer: status, decoded JSON body (None when empty), and how long it took."""

    status: int
    body: Any
    seconds: float


@dataclass
class Deployment:
    """A rendered project with its venv, its environment, and the SMTP sink its emails go to."""

    path: Path
    bin: Path
    environment: dict[str, str]
    sink: SmtpSink
    logs: Path

    def manage(self, *arguments: str, environment: dict[str, str] | None = None) -> str:
        """Run `manage.py` with the deployment's environment; its output, or a failure that shows it."""
        result = run(
            [self.bin / "python", "manage.py", *arguments], cwd=self.path, environment=environment or self.environment
        )
        assert result.returncode == 0, describe(result)
        return result.stdout

    def shell(self, code: str) -> str:
        """The last line `code` prints when run by `manage.py shell` (for what the API does not show)."""
        return self.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1]

    def start(self, name: str, command: list[str | Path], **overrides: str) -> subprocess.Popen:
        """Start `command` in its own process group (so stop() reaches its children), logging to a file."""
        log = (self.logs / f"{name}.log").open("a")
        return subprocess.Popen(
            [str(part) for part in command],
            cwd=self.path,
            env={**self.environment, **overrides},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def slug(self) -> str:
        """The project's package name (the render's folder is named after it)."""
        return self.path.name

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return tail(path.read_text()) if path.exists() else ""


def stop(process: subprocess.Popen) -> None:
    """Stop a process started by Deployment.start and every child it has, however it is doing."""
    for stop_signal in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, stop_signal)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


def post(base_url: str, path: str, body: dict[str, Any], timeout: float = 30) -> Answer:
    """POST `body` as JSON to the server; the answer whatever its status."""
    request = urllib.request.Request(
        f"{base_url}{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    started = time.monotonic()
    try:
        with NO_PROXY_OPENER.open(request, timeout=timeout) as response:
            status, content = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read()
    return Answer(status, json.loads(content) if content else None, time.monotonic() - started)


def wait_until_serving(base_url: str, process: subprocess.Popen, deployment: Deployment, name: str) -> None:
    """Return once the server answers /health/; fail if it dies or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with code {process.returncode}:\n{deployment.log(name)}")
        try:
            with NO_PROXY_OPENER.open(f"{base_url}/health/", timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"{name} did not answer within {START_TIMEOUT_SECONDS}s:\n{deployment.log(name)}")


def link_params(message_text: str, path: str) -> dict[str, str]:
    """`uid` and `token` of the link to FRONTEND_URL + `path` in an email's text."""
    links = [word for word in message_text.split() if word.startswith(f"{FRONTEND_URL}{path}?")]
    assert len(links) == 1, f"expected one link to {FRONTEND_URL}{path} in:\n{message_text}"
    query = parse_qs(urlsplit(links[0]).query)
    return {"uid": query["uid"][0], "token": query["token"][0]}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[Deployment]:
    """The default answers rendered and migrated, with an SMTP sink, for this module."""
    REDIS.require()
    path = render({}, tmp_path_factory.mktemp("email-delivery"), cookiecutter_config)
    bin_dir = virtualenv_for(path)
    logs = tmp_path_factory.mktemp("email-delivery-logs")
    with SmtpSink() as sink:
        environment = clean_environment(
            DJANGO_SETTINGS_MODULE="config.settings.local",
            DJANGO_DEBUG="false",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=f"sqlite:///{path / 'delivery.sqlite3'}",
            REDIS_URL=CACHE_URL,
            CELERY_BROKER_URL=BROKER_URL,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            EMAIL_USE_TLS="false",
            FRONTEND_URL=FRONTEND_URL,
        )
        deployment = Deployment(path, bin_dir, environment, sink, logs)
        # Tasks a crashed earlier run left in the broker would be delivered to this run's worker.
        result = run(
            [bin_dir / "python", "-c", f"import redis; redis.Redis.from_url({BROKER_URL!r}).flushdb()"],
            cwd=path,
            environment=environment,
        )
        assert result.returncode == 0, describe(result)
        deployment.manage("migrate", "--noinput")
        yield deployment


@pytest.fixture(scope="module")
def worker(deployment: Deployment) -> Iterator[subprocess.Popen]:
    """A Celery worker of the deployment, one process, consuming the broker's default queue."""
    process = deployment.start(
        "worker", [deployment.bin / "celery", "-A", "config.celery_app", "worker", "--pool", "solo", "-l", "INFO"]
    )
    yield process
    stop(process)


def serve(deployment: Deployment, name: str, **overrides: str) -> tuple[str, subprocess.Popen]:
    """Start gunicorn on a free loopback port with the deployment's environment (plus `overrides`)."""
    port = free_loopback_port()
    process = deployment.start(
        name,
        [deployment.bin / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        **overrides,
    )
    base_url = f"http://127.0.0.1:{port}"
    wait_until_serving(base_url, process, deployment, name)
    return base_url, process


@pytest.fixture(scope="module")
def server(deployment: Deployment, worker: subprocess.Popen) -> Iterator[str]:
    """The base URL of gunicorn serving the deployment (its worker running)."""
    base_url, process = serve(deployment, "gunicorn")
    yield base_url
    stop(process)


def register_and_activate(server: str, sink: SmtpSink, email: str) -> None:
    """Register `email`, read the activation email from the sink, and activate the account."""
    assert post(server, "/api/auth/register/", {"email": email, "password": PASSWORD}).status == 201
    (message,) = sink.wait_for(email)
    answer = post(server, "/api/auth/register/activate/", link_params(message.text, "/activate"))
    assert answer.status == 200, answer


def log_in(server: str, email: str, password: str) -> Answer:
    return post(server, "/api/auth/login/password/", {"email": email, "password": password})


def test_register_read_the_email_activate_and_log_in(server: str, deployment: Deployment):
    answer = post(server, "/api/auth/register/", {"email": "ada@example.com", "password": PASSWORD})
    assert (answer.status, answer.body) == (201, {})
    assert log_in(server, "ada@example.com", PASSWORD).body["errors"][0]["code"] == "account_inactive"

    (message,) = deployment.sink.wait_for("ada@example.com")
    assert message.message["To"] == "ada@example.com"
    activated = post(server, "/api/auth/register/activate/", link_params(message.text, "/activate"))
    assert (activated.status, activated.body) == (200, {}), deployment.log("gunicorn")

    login = log_in(server, "ada@example.com", PASSWORD)
    assert login.status == 200, login
    assert login.body["status"] == "complete"
    assert login.body["access"]
    assert login.body["refresh"]


def test_reset_read_the_email_confirm_and_the_old_refresh_tokens_are_refused(server: str, deployment: Deployment):
    register_and_activate(server, deployment.sink, "grace@example.com")
    old_sessions = [log_in(server, "grace@example.com", PASSWORD).body["refresh"] for _ in range(2)]

    assert post(server, "/api/auth/password/reset/", {"email": "grace@example.com"}).body == {}
    (_activation, reset) = deployment.sink.wait_for("grace@example.com", count=2)
    params = link_params(reset.text, "/reset-password")
    confirmed = post(server, "/api/auth/password/reset/confirm/", {**params, "password": NEW_PASSWORD})
    assert (confirmed.status, confirmed.body) == (200, {}), "a reset answers {} and logs nobody in"

    for refresh in old_sessions:
        refused = post(server, "/api/auth/token/refresh/", {"refresh": refresh})
        assert refused.status == 401
        assert refused.body["errors"][0]["code"] == "token_not_valid"
    assert log_in(server, "grace@example.com", NEW_PASSWORD).status == 200
    assert log_in(server, "grace@example.com", PASSWORD).status == 401
    notice = deployment.sink.wait_for("grace@example.com", count=3)[-1]
    assert "changed" in notice.message["Subject"]


def test_with_the_broker_unreachable_registration_answers_201_fast_and_the_email_arrives_later(
    server: str, deployment: Deployment
):
    closed_port = free_loopback_port()
    cut_off, process = serve(deployment, "gunicorn-no-broker", CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port}/9")
    try:
        answer = post(cut_off, "/api/auth/register/", {"email": "offline@example.com", "password": PASSWORD})
    finally:
        stop(process)
    assert (answer.status, answer.body) == (201, {}), deployment.log("gunicorn-no-broker")
    assert answer.seconds < 5, f"registration took {answer.seconds:.1f}s with the broker down"
    state = deployment.shell(
        f"from {deployment.slug}.authn.models import OutboxEmail as O; "
        "r = O.objects.get(user__email='offline@example.com'); print(r.status, r.user.is_active)"
    )
    assert state == "pending False", "the user exists, inactive, with its email waiting in the outbox"
    time.sleep(2)
    assert deployment.sink.messages_to("offline@example.com") == []

    # The broker is back (the worker's): the periodic drain, as beat would queue it, sends the email.
    result = run(
        [deployment.bin / "celery", "-A", "config.celery_app", "call", f"{deployment.slug}.authn.tasks.drain_outbox"],
        cwd=deployment.path,
        environment=deployment.environment,
    )
    assert result.returncode == 0, describe(result)
    (message,) = deployment.sink.wait_for("offline@example.com")
    assert post(server, "/api/auth/register/activate/", link_params(message.text, "/activate")).status == 200


def test_when_the_mail_server_refuses_twice_exactly_one_email_is_delivered(server: str, deployment: Deployment):
    deployment.sink.refuse_next(2)
    assert post(server, "/api/auth/register/", {"email": "busy@example.com", "password": PASSWORD}).status == 201
    deployment.sink.wait_for("busy@example.com")
    # Long enough for a wrongly repeated delivery (the next retry would come within ~8s) to show up.
    time.sleep(10)
    assert len(deployment.sink.messages_to("busy@example.com")) == 1
    assert deployment.sink.attempts_to("busy@example.com") == 3, "two refusals, then one accepted delivery"
    state = deployment.shell(
        f"from {deployment.slug}.authn.models import OutboxEmail as O; "
        "r = O.objects.get(user__email='busy@example.com'); print(r.status, r.attempts)"
    )
    assert state == "sent 3"
