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

import pytest

from .test_settings import PROJECT_DIR

GUNICORN_CONFIG = PROJECT_DIR / "config" / "gunicorn.py"
GUNICORN_VARIABLES = ("GUNICORN_BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_ACCESS_LOG")


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


@pytest.fixture
def gunicorn_server():
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
