"""config/gunicorn.py: read from the environment, and an access log of JSON lines without query strings."""

import json
import logging
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.urls import clear_url_caches, get_resolver
from gunicorn import util as gunicorn_util
from gunicorn.workers.sync import SyncWorker

from config.gunicorn_worker import JsonErrorSocket

from .test_settings import PROJECT_DIR

GUNICORN_CONFIG = PROJECT_DIR / "config" / "gunicorn.py"
GUNICORN_VARIABLES = (
    "GUNICORN_BIND",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_TIMEOUT",
    "GUNICORN_ACCESS_LOG",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_MAX_REQUESTS_JITTER",
    "GUNICORN_PRELOAD",
)


def load_config(monkeypatch, **environment: str) -> dict:
    for name in (*GUNICORN_VARIABLES, "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONFIG))


def test_defaults_suit_a_container(monkeypatch):
    config = load_config(monkeypatch)
    assert config["bind"] == ["0.0.0.0:8000"]
    assert 3 <= config["workers"] <= 8
    assert config["timeout"] == 30
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert config["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"] == ["access_console"]


def test_settings_come_from_the_environment(monkeypatch):
    config = load_config(
        monkeypatch,
        GUNICORN_BIND="127.0.0.1:9000",
        WEB_CONCURRENCY="3",
        GUNICORN_TIMEOUT="12",
        FORWARDED_ALLOW_IPS="10.0.0.0/8",
    )
    assert config["bind"] == ["127.0.0.1:9000"]
    assert config["workers"] == 3
    assert config["timeout"] == 12
    assert config["forwarded_allow_ips"] == "10.0.0.0/8"


def test_workers_are_preloaded_and_not_recycled_unless_asked(monkeypatch):
    config = load_config(monkeypatch)
    assert config["preload_app"] is True, "a new or recycled worker must not import the project again"
    assert (config["max_requests"], config["max_requests_jitter"]) == (0, 0)


def test_recycling_and_preloading_come_from_the_environment(monkeypatch):
    config = load_config(
        monkeypatch, GUNICORN_MAX_REQUESTS="5000", GUNICORN_MAX_REQUESTS_JITTER="500", GUNICORN_PRELOAD="false"
    )
    assert (config["max_requests"], config["max_requests_jitter"]) == (5000, 500)
    assert config["preload_app"] is False


def test_the_port_variable_of_platforms_sets_the_bind(monkeypatch):
    assert load_config(monkeypatch, PORT="5000")["bind"] == ["0.0.0.0:5000"]


def test_the_access_log_can_be_turned_off(monkeypatch):
    config = load_config(monkeypatch, GUNICORN_ACCESS_LOG="false")
    assert config["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"] == []


def test_an_access_record_becomes_json_fields(monkeypatch):
    formatter_class = load_config(monkeypatch)["AccessLogJsonFormatter"]
    atoms = {
        "h": "203.0.113.9",
        "m": "GET",
        "U": "/api/auth/me/",
        "q": "token=secret",
        "H": "HTTP/1.1",
        "s": "200",
        "B": 42,
        "M": 7,
        "a": "curl/8",
        "{x-request-id}o": "4bf92f3577b34da6a3ce929d0e0e4736",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s %(s)s", (atoms,), None)
    line = formatter_class(fmt=["message"]).format(record)
    assert json.loads(line) == {
        "message": "GET /api/auth/me/ 200",
        "remote_addr": "203.0.113.9",
        "method": "GET",
        "path": "/api/auth/me/",
        "protocol": "HTTP/1.1",
        "status": 200,
        "response_bytes": 42,
        "duration_ms": 7,
        "user_agent": "curl/8",
        "request_id": "4bf92f3577b34da6a3ce929d0e0e4736",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving() -> Iterator[tuple[str, subprocess.Popen]]:
    """A real gunicorn, started with config/gunicorn.py and one worker; yields (base URL, process)."""
    port = free_port()
    inherited = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {process.communicate()[1]}") from None
                time.sleep(0.1)
        yield base_url, process
    finally:
        if process.poll() is None:
            process.terminate()
        process.communicate(timeout=30)


@pytest.fixture
def gunicorn_server() -> Iterator[tuple[str, subprocess.Popen]]:
    """A gunicorn of this test's own, which the test may stop to read its output."""
    with serving() as server:
        yield server


@pytest.fixture(scope="module")
def shared_gunicorn() -> Iterator[str]:
    """A gunicorn that the tests of this module share; yields its base URL."""
    with serving() as (base_url, _):
        yield base_url


def test_gunicorn_writes_one_json_access_line_per_request(gunicorn_server):
    base_url, process = gunicorn_server
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{base_url}/no-such-page/?token=secret", timeout=10)  # noqa: S310 (local URL)
    request_id = raised.value.headers["X-Request-ID"]
    process.terminate()
    stdout, stderr = process.communicate(timeout=30)
    access = [json.loads(line) for line in stdout.splitlines()]
    assert len(access) == 1, stdout
    assert access[0]["status"] == 404
    assert access[0]["path"] == "/no-such-page/"
    assert access[0]["request_id"] == request_id
    assert "secret" not in stdout, "the query string must stay out of the access log"
    for line in stderr.splitlines():
        assert json.loads(line)["logger"] in {"gunicorn.error", "django.request"}, line


# What a browser sends on the token paths: both token cookies at the 4 KB a browser keeps per cookie, and the CSRF cookie.
BIGGEST_COOKIE_HEADER = "Cookie: " + "; ".join(
    [
        "__Host-access_token=" + "a" * (4096 - len("__Host-access_token=")),
        "__Secure-refresh_token=" + "r" * (4096 - len("__Secure-refresh_token=")),
        "csrftoken=" + "c" * 32,
    ]
)


def test_the_header_limits_fit_both_token_cookies_and_the_csrf_cookie(monkeypatch):
    config = load_config(monkeypatch)
    assert len(BIGGEST_COOKIE_HEADER) + len("\r\n") <= config["limit_request_field_size"]
    assert config["limit_request_line"] == 8190, "gunicorn's ceiling for the request line"
    assert config["limit_request_fields"] >= 100


def test_the_worker_is_gunicorn_s_sync_worker(monkeypatch):
    assert issubclass(gunicorn_util.load_class(load_config(monkeypatch)["worker_class"]), SyncWorker)


class RecordingSocket:
    """A client socket that keeps what is sent to it."""

    def __init__(self) -> None:
        self.sent = b""

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.sent += data


def test_gunicorn_s_own_error_page_goes_out_as_json():
    client = RecordingSocket()
    gunicorn_util.write_error(JsonErrorSocket(client), 431, "Request Header Fields Too Large", "limit request headers")
    head, _, body = client.sent.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 431 Request Header Fields Too Large"
    assert b"Content-Type: application/json" in head.split(b"\r\n")
    assert json.loads(body) == {
        "type": "client_error",
        "errors": [
            {"code": "request_headers_too_large", "detail": "The request headers are too large.", "attr": None}
        ],
    }


def send_raw(base_url: str, head: str) -> tuple[int, dict[str, str], bytes]:
    """Send a request head as it is written and read the whole answer: (status, headers, body)."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(head.encode("latin-1"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    answer_head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = answer_head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split(" ")[1]), {name.lower(): value for name, value in headers.items()}, body


@pytest.mark.parametrize(
    ("head", "status", "code"),
    [
        (
            "GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "p" * 20_000 + "\r\n\r\n",
            431,
            "request_headers_too_large",
        ),
        ("GET /" + "p" * 9000 + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414, "request_line_too_large"),
        ("NOT A REQUEST LINE\r\n\r\n", 400, "bad_request"),
    ],
    ids=["header too large", "request line too long", "malformed request line"],
)
def test_what_gunicorn_refuses_itself_is_answered_in_json(shared_gunicorn, head, status, code):
    answer_status, headers, body = send_raw(shared_gunicorn, head)
    assert (answer_status, headers["content-type"]) == (status, "application/json"), body
    assert json.loads(body)["errors"][0]["code"] == code


def test_both_token_cookies_and_the_csrf_cookie_reach_django(shared_gunicorn):
    head = f"GET /no-such-page/ HTTP/1.1\r\nHost: 127.0.0.1\r\n{BIGGEST_COOKIE_HEADER}\r\nConnection: close\r\n\r\n"
    status, headers, body = send_raw(shared_gunicorn, head)
    assert status == 404, body
    assert "x-request-id" in headers, "the answer is Django's, not gunicorn's"


def test_a_preloading_master_imports_the_urlconf_before_the_workers_fork(monkeypatch):
    config = load_config(monkeypatch)
    clear_url_caches()
    config["when_ready"](SimpleNamespace(cfg=SimpleNamespace(preload_app=True)))
    # url_patterns is a cached property: it is in the resolver's __dict__ once the URLconf is imported.
    assert "url_patterns" in get_resolver().__dict__
