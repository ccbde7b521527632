"""A production deployment, end to end: gunicorn with three workers under `config.settings.production`,
on PostgreSQL, Redis as cache and broker, a real Celery worker, and a real SMTP server (aiosmtpd).

The render (standalone, RS256, registration, all three login scenarios, PostgreSQL) gets what an
orchestrator gives it: every value in the environment (the `.env` file is not read), `migrate`
before the first request, TLS terminated by a proxy that sets X-Forwarded-Proto. The walk goes over
HTTP through everything a user does: register, activate from the emailed link, log in with each
scenario (the one-time codes read from the emails), refresh, log out, reset the password and log in
with the new one. Login flows hop between gunicorn workers, so their state must be in the shared cache.

Then a render answering task_broker=rabbitmq sends its emails through RabbitMQ instead (its
production settings require CELERY_BROKER_URL): registration, activation and an email-code login.

Services on loopback: PostgreSQL on 5432 (user postgres; a database of its own, dropped afterwards),
Redis on 6379 (databases 11 and 12: test_email_delivery.py uses 9 and 10), RabbitMQ on 5672 (guest).
"""

from __future__ import annotations

import re
import secrets
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.deployment import NO_PROXY_OPENER, Answer, Deployment, call, link_query, stop, wait_until_serving
from harness.dotenv import read_env_file
from harness.processes import clean_environment, describe, run
from harness.rendering import render
from harness.services import POSTGRESQL, RABBITMQ, REDIS
from harness.smtp_sink import ReceivedMessage, SmtpSink, free_loopback_port
from harness.venvs import virtualenv_for

# Both tests share the database fixture and the venv: one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("production-e2e")

ANSWERS = {
    "auth_role": "standalone",
    "signing_algorithm": "RS256",
    "token_transport": "header",
    "use_password_login": "y",
    "use_email_code_login": "y",
    "use_password_then_email_code": "y",
    "use_registration": "y",
    "database": "postgresql",
    "use_docker": "n",
}
POSTGRESQL_MAINTENANCE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# With task_broker=redis and CELERY_BROKER_URL unset, production uses REDIS_URL as the broker too.
REDIS_URL = "redis://127.0.0.1:6379/11"
RABBITMQ_PHASE_CACHE_URL = "redis://127.0.0.1:6379/12"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"
FRONTEND_URL = "https://frontend.example.org"
# What the TLS-terminating proxy adds to every request it forwards (DJANGO_SECURE_PROXY_SSL_HEADER=true).
THROUGH_THE_PROXY = {"X-Forwarded-Proto": "https"}
WEB_WORKERS = 3
WORKERS_TIMEOUT_SECONDS = 30
EMAIL_TIMEOUT_SECONDS = 30
PASSWORD = "sturdy lantern orchard"
NEW_PASSWORD = "brand new sturdy lantern"
LOGIN_CODE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)
# Every built-in scenario, the mfa app's passkey scenario last (use_mfa=y, the default).
ALL_SCENARIOS = ["password", "email-code", "password-and-email-code", "passkey"]


@dataclass
class Api:
    """The deployment's /api/auth/ as a client behind the proxy sees it."""

    base_url: str

    def post(self, path: str, body: dict[str, Any], *, access: str | None = None) -> Answer:
        return call(self.base_url, "POST", f"/api/auth/{path}", body, headers=self.headers(access))

    def get(self, path: str, *, access: str | None = None, headers: dict[str, str] | None = None) -> Answer:
        return call(
            self.base_url, "GET", f"/api/auth/{path}", headers=self.headers(access) if headers is None else headers
        )

    @staticmethod
    def headers(access: str | None) -> dict[str, str]:
        return {**THROUGH_THE_PROXY, **({"Authorization": f"Bearer {access}"} if access else {})}


@dataclass
class Inbox:
    """One address's emails in the sink, read in the order they arrive."""

    sink: SmtpSink
    address: str
    read: int = field(default=0)

    def next(self, subject: str) -> ReceivedMessage:
        """The next email to the address (waiting for it), whose subject must contain `subject`."""
        messages = self.sink.wait_for(self.address, count=self.read + 1, timeout=EMAIL_TIMEOUT_SECONDS)
        message = messages[self.read]
        self.read += 1
        assert subject in message.message["Subject"], f"expected an email about {subject!r}, got {message.message}"
        return message

    def next_code(self) -> str:
        """The one-time code of the next email, a sign-in code."""
        text = self.next("sign-in code").text
        codes = LOGIN_CODE.findall(text)
        assert len(codes) == 1, f"expected one six-digit code in:\n{text}"
        return codes[0]


def psql(bin_dir: Path, statement: str) -> None:
    """Run one statement on the server's maintenance database (with the render's psycopg)."""
    code = f"import psycopg; psycopg.connect({POSTGRESQL_MAINTENANCE_URL!r}, autocommit=True).execute({statement!r})"
    result = run([bin_dir / "python", "-c", code], cwd=bin_dir, timeout=60)
    assert result.returncode == 0, describe(result)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> tuple[Path, Path]:
    """The answers rendered with task_broker=redis, and the bin/ of the venv with its pins."""
    path = render({**ANSWERS, "task_broker": "redis"}, tmp_path_factory.mktemp("production-e2e"), cookiecutter_config)
    return path, virtualenv_for(path)


@pytest.fixture(scope="module")
def database_url(rendered: tuple[Path, Path]) -> Iterator[str]:
    """A fresh PostgreSQL database for this module, dropped afterwards whatever still holds a connection."""
    POSTGRESQL.require()
    _, bin_dir = rendered
    name = f"gatehouse_production_e2e_{secrets.token_hex(4)}"
    psql(bin_dir, f"CREATE DATABASE {name}")
    yield f"postgres://postgres@127.0.0.1:5432/{name}"
    psql(bin_dir, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def production_environment(path: Path, database_url: str, sink: SmtpSink, **overrides: str) -> dict[str, str]:
    """What the orchestrator sets for the render: production settings, its services, the render's signing key."""
    variables = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_PRIVATE_KEY": read_env_file(path / ".env")["JWT_PRIVATE_KEY"],
        "MFA_ENCRYPTION_KEYS": read_env_file(path / ".env")["MFA_ENCRYPTION_KEYS"],
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_USE_TLS": "false",
        "FRONTEND_URL": FRONTEND_URL,
    }
    return clean_environment(**{**variables, **overrides})


def gunicorn_workers(master_pid: int) -> list[int]:
    """The pids of the processes whose parent is `master_pid` (Linux /proc)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
        if int(stat.rpartition(")")[2].split()[1]) == master_pid:
            children.append(int(entry.name))
    return children


@dataclass
class Running:
    """A deployment whose processes are started, and its API."""

    deployment: Deployment
    api: Api


@pytest.fixture
def run_deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Running]]:
    """Start a render as production runs it (migrate, a Celery worker, gunicorn); everything is stopped at the end."""
    started: list[subprocess.Popen] = []

    def start(path: Path, bin_dir: Path, environment: dict[str, str], sink: SmtpSink) -> Running:
        logs = tmp_path_factory.mktemp(f"{path.name}-logs")
        deployment = Deployment(path, bin_dir, environment, sink, logs)
        deployment.manage("migrate", "--noinput")
        # As the image build does (Dockerfile, docs/deployment.md): the pages' files, hashed, for WhiteNoise.
        deployment.manage("collectstatic", "--noinput")
        # The cache and the broker start empty, as a new deployment's do: what a crashed earlier run left
        # (flows, counters, tasks for another database) would otherwise reach this run.
        deployment.manage(
            "shell",
            "--no-imports",
            "-c",
            "from django.core.cache import cache; from config.celery_app import app; cache.clear(); app.control.purge()",
        )
        worker = deployment.start(
            "worker", [bin_dir / "celery", "-A", "config.celery_app", "worker", "--concurrency", "2", "-l", "INFO"]
        )
        started.append(worker)
        port = free_loopback_port()
        gunicorn = deployment.start(
            "gunicorn",
            [bin_dir / "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(WEB_WORKERS),
        )
        started.append(gunicorn)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_serving(base_url, gunicorn, deployment, "gunicorn")
        # The preloading master forks its workers one after another: the first may answer before the last is up.
        deadline = time.monotonic() + WORKERS_TIMEOUT_SECONDS
        while len(gunicorn_workers(gunicorn.pid)) < WEB_WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(gunicorn_workers(gunicorn.pid)) == WEB_WORKERS, deployment.log("gunicorn")
        return Running(deployment, Api(base_url))

    yield start
    for process in reversed(started):
        stop(process)


def register_and_activate(running: Running, inbox: Inbox) -> None:
    """Register the inbox's address, read the activation email, and activate the account."""
    api = running.api
    registered = api.post("register/", {"email": inbox.address, "password": PASSWORD, "first_name": "Ada"})
    assert (registered.status, registered.body) == (201, {}), running.deployment.log("gunicorn")
    early = api.post("login/password/", {"email": inbox.address, "password": PASSWORD})
    assert early.body["errors"][0]["code"] == "account_inactive", "an account logs in once it is activated"
    link = link_query(inbox.next("Activate your").text, f"{FRONTEND_URL}/activate")
    activated = api.post("register/activate/", link)
    assert (activated.status, activated.body) == (200, {}), running.deployment.log("gunicorn")


def complete(answer: Answer, email: str) -> dict[str, Any]:
    """The body of a completed login for `email`, with both tokens."""
    assert answer.status == 200, answer
    assert answer.body["status"] == "complete", answer.body
    assert answer.body["user"]["email"] == email
    assert answer.body["token_type"] == "Bearer"
    assert answer.body["access"]
    assert answer.body["refresh"]
    return answer.body


def log_in_with_an_email_code(api: Api, inbox: Inbox) -> dict[str, Any]:
    """The email-code scenario: request a code, read it from the email, send it back."""
    requested = api.post("login/email-code/", {"email": inbox.address})
    assert requested.status == 200, requested
    assert (requested.body["status"], requested.body["next_step"]) == ("needs_step", "verify")
    return complete(
        api.post("login/email-code/", {"flow": requested.body["flow"], "code": inbox.next_code()}), inbox.address
    )


def worker_broker(running: Running) -> str:
    """The broker URL (password masked) that the Celery worker logged it connected to."""
    log = (running.deployment.logs / "worker.log").read_text()
    connected = re.search(r'"Connected to ([^"]+)"', log)
    assert connected, f"the worker never connected to a broker:\n{running.deployment.log('worker')}"
    return connected.group(1)


def assert_refresh_refused(api: Api, refresh: str) -> None:
    refused = api.post("token/refresh/", {"refresh": refresh})
    assert refused.status == 401, refused
    assert refused.body["errors"][0]["code"] == "token_not_valid"


def test_production_deployment_serves_every_account_and_login_flow(
    rendered: tuple[Path, Path], database_url: str, run_deployment: Callable[..., Running]
):
    REDIS.require()
    path, bin_dir = rendered
    with SmtpSink() as sink:
        environment = production_environment(path, database_url, sink)
        running = run_deployment(path, bin_dir, environment, sink)
        api, inbox = running.api, Inbox(sink, "ada@example.com")

        plain_http = running.api.get("options/", headers={})
        assert plain_http.status == 403, "plain HTTP must be refused, not redirected"
        assert plain_http.body["errors"][0]["code"] == "https_required"
        options = api.get("options/")
        assert [scenario["key"] for scenario in options.body["scenarios"]] == ALL_SCENARIOS

        register_and_activate(running, inbox)

        by_password = complete(
            api.post("login/password/", {"email": inbox.address, "password": PASSWORD}), inbox.address
        )
        me = api.get("me/", access=by_password["access"])
        assert (me.status, me.body["email"], me.body["first_name"]) == (200, inbox.address, "Ada")

        by_email_code = log_in_with_an_email_code(api, inbox)

        credentials = api.post("login/password-and-email-code/", {"email": inbox.address, "password": PASSWORD})
        assert (credentials.status, credentials.body["next_step"]) == (200, "verify"), credentials
        by_both = complete(
            api.post("login/password-and-email-code/", {"flow": credentials.body["flow"], "code": inbox.next_code()}),
            inbox.address,
        )

        refreshed = api.post("token/refresh/", {"refresh": by_password["refresh"]})
        assert refreshed.status == 200, refreshed
        assert refreshed.body["refresh"] != by_password["refresh"], "a refresh rotates the refresh token"
        assert api.get("me/", access=refreshed.body["access"]).status == 200

        logged_out = api.post("logout/", {"refresh": refreshed.body["refresh"]})
        assert logged_out.status == 204, logged_out
        assert_refresh_refused(api, refreshed.body["refresh"])

        reset = api.post("password/reset/", {"email": inbox.address})
        assert (reset.status, reset.body) == (200, {}), reset
        link = link_query(inbox.next("Reset your").text, f"{FRONTEND_URL}/reset-password")
        confirmed = api.post("password/reset/confirm/", {**link, "password": NEW_PASSWORD})
        assert (confirmed.status, confirmed.body) == (200, {}), confirmed
        for session in (by_email_code, by_both):
            assert_refresh_refused(api, session["refresh"])
        inbox.next("password was changed")

        complete(api.post("login/password/", {"email": inbox.address, "password": NEW_PASSWORD}), inbox.address)
        old_password = api.post("login/password/", {"email": inbox.address, "password": PASSWORD})
        assert old_password.status == 401
        assert old_password.body["errors"][0]["code"] == "invalid_credentials"

    assert worker_broker(running) == "redis://:**@127.0.0.1:6379/11", (
        "without CELERY_BROKER_URL, the worker must consume the REDIS_URL database"
    )


def fetch_page(base_url: str, path: str) -> tuple[int, str, str]:
    """Status, Content-Type and text of a page, asked through the proxy."""
    request = urllib.request.Request(f"{base_url}{path}", headers=THROUGH_THE_PROXY)
    with NO_PROXY_OPENER.open(request, timeout=30) as response:
        return response.status, response.headers["Content-Type"], response.read().decode()


def test_production_serves_the_account_pages_and_their_files(
    rendered: tuple[Path, Path], database_url: str, run_deployment: Callable[..., Running]
):
    REDIS.require()
    path, bin_dir = rendered
    with SmtpSink() as sink:
        running = run_deployment(path, bin_dir, production_environment(path, database_url, sink), sink)
        base_url = running.api.base_url
        status, content_type, html = fetch_page(base_url, "/")
        assert (status, content_type.split(";")[0]) == (200, "text/html"), running.deployment.log("gunicorn")
        assert "<title>Sign in</title>" in html
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
        assert len(assets) == 2, f"the page loads its stylesheet and its script: {assets}"
        for asset in assets:
            assert fetch_page(base_url, asset)[0] == 200, f"{asset} must be served under production settings"
        # The script's modules import each other by relative name: WhiteNoise serves those too.
        assert fetch_page(base_url, "/static/pages/account.js")[0] == 200


def test_with_task_broker_rabbitmq_the_emails_go_through_rabbitmq(
    tmp_path_factory: pytest.TempPathFactory,
    cookiecutter_config: Path,
    database_url: str,
    run_deployment: Callable[..., Running],
):
    REDIS.require()
    RABBITMQ.require()
    path = render(
        {**ANSWERS, "task_broker": "rabbitmq"}, tmp_path_factory.mktemp("production-e2e-rabbitmq"), cookiecutter_config
    )
    bin_dir = virtualenv_for(path)
    with SmtpSink() as sink:
        environment = production_environment(
            path, database_url, sink, REDIS_URL=RABBITMQ_PHASE_CACHE_URL, CELERY_BROKER_URL=RABBITMQ_URL
        )
        running = run_deployment(path, bin_dir, environment, sink)
        inbox = Inbox(sink, "grace@example.com")

        register_and_activate(running, inbox)
        log_in_with_an_email_code(running.api, inbox)

    assert worker_broker(running) == "amqp://guest:**@127.0.0.1:5672//", "the worker must consume RabbitMQ"
