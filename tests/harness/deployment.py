"""Run a rendered project as a deployment does: long-lived processes (gunicorn, a Celery worker) in
process groups of their own, driven over HTTP, their emails caught by an SMTP sink.

Shared by the tests that run real servers (test_email_delivery.py, test_two_processes.py,
test_production_e2e.py).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .processes import clean_environment, describe, run, tail
from .rendering import render
from .services import POSTGRESQL, REDIS
from .smtp_sink import SmtpSink
from .venvs import virtualenv_for

START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 15
REQUEST_TIMEOUT_SECONDS = 30
# The server's own database, where a render's databases are created and dropped.
POSTGRESQL_MAINTENANCE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# The servers are on loopback: a proxy configured in the developer's environment must not be asked.
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
        """The end of what process `name` wrote, for a failure message."""
        path = self.logs / f"{name}.log"
        return tail(path.read_text()) if path.exists() else ""


@contextmanager
def local_deployment(
    tmp_path_factory: pytest.TempPathFactory,
    cookiecutter_config: Path,
    name: str,
    *,
    redis_urls: Sequence[str],
    answers: Mapping[str, str] | None = None,
    **environment: str,
) -> Iterator[Deployment]:
    """`answers` (the defaults for the rest) rendered and migrated, run with local settings (DEBUG off) on
    SQLite (or, when the answers choose database=postgresql, on a PostgreSQL database of its own, dropped
    afterwards), emailing an SMTP sink; `environment` adds REDIS_URL and the like.

    The Redis databases of `redis_urls` are emptied first: tasks, flows and lockout counters that
    an earlier run left there would otherwise count in this one. Without any, the deployment needs no
    Redis (the cache is the database cache of the embedded default, unless `environment` says otherwise).
    """
    if redis_urls:
        REDIS.require()
    path = render(dict(answers or {}), tmp_path_factory.mktemp(name), cookiecutter_config)
    bin_dir = virtualenv_for(path)
    logs = tmp_path_factory.mktemp(f"{name}-logs")
    on_postgresql = (answers or {}).get("database") == "postgresql"
    database = postgresql_database(bin_dir, name) if on_postgresql else nullcontext(f"sqlite:///{path / name}.sqlite3")
    with SmtpSink() as sink, database as database_url:
        full_environment = clean_environment(
            DJANGO_SETTINGS_MODULE="config.settings.local",
            DJANGO_DEBUG="false",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            EMAIL_USE_TLS="false",
            **environment,
        )
        deployment = Deployment(path, bin_dir, full_environment, sink, logs)
        if redis_urls:
            flush = "; ".join(f"redis.Redis.from_url({url!r}).flushdb()" for url in redis_urls)
            result = run([bin_dir / "python", "-c", f"import redis; {flush}"], cwd=path, environment=full_environment)
            assert result.returncode == 0, describe(result)
        deployment.manage("migrate", "--noinput")
        yield deployment


@contextmanager
def postgresql_database(bin_dir: Path, name: str) -> Iterator[str]:
    """The URL of a fresh PostgreSQL database, dropped afterwards whatever still holds a connection to it.

    The statements run with the psycopg of the venv in `bin_dir` (the render's).
    """
    POSTGRESQL.require()
    database = f"gatehouse_{name.replace('-', '_')}_{secrets.token_hex(4)}"
    run_postgresql_statement(bin_dir, f"CREATE DATABASE {database}")
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{database}"
    finally:
        run_postgresql_statement(bin_dir, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def run_postgresql_statement(bin_dir: Path, statement: str) -> None:
    """Run one statement on the server's maintenance database, with the psycopg of the venv in `bin_dir`."""
    code = f"import psycopg; psycopg.connect({POSTGRESQL_MAINTENANCE_URL!r}, autocommit=True).execute({statement!r})"
    result = run([bin_dir / "python", "-c", code], cwd=bin_dir, timeout=60)
    assert result.returncode == 0, describe(result)


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


def call(
    base_url: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = REQUEST_TIMEOUT_SECONDS,
) -> Answer:
    """Send `body` (JSON, if any) to the server; the answer whatever its status."""
    request = urllib.request.Request(
        f"{base_url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method=method,
    )
    started = time.monotonic()
    try:
        with NO_PROXY_OPENER.open(request, timeout=timeout) as response:
            status, content = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read()
    return Answer(status, json.loads(content) if content else None, time.monotonic() - started)


def bearer(token: str) -> dict[str, str]:
    """The headers that send `token` as a Bearer access token."""
    return {"Authorization": f"Bearer {token}"}


def post(base_url: str, path: str, body: dict[str, Any], timeout: float = REQUEST_TIMEOUT_SECONDS) -> Answer:
    """POST `body` as JSON to the server; the answer whatever its status."""
    return call(base_url, "POST", path, body, timeout=timeout)


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


def link_query(message_text: str, link_prefix: str) -> dict[str, str]:
    """`uid` and `token` of the one link in an email's text that starts with `link_prefix` (its URL up to `?`)."""
    links = [word for word in message_text.split() if word.startswith(f"{link_prefix}?")]
    assert len(links) == 1, f"expected one link to {link_prefix} in:\n{message_text}"
    query = parse_qs(urlsplit(links[0]).query)
    return {"uid": query["uid"][0], "token": query["token"][0]}
