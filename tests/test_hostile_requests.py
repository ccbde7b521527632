"""Hostile requests against a default render served by gunicorn, as a deployment serves it.

One render of the default answers, migrated, served by gunicorn with its own config
(config/gunicorn.py, one worker) under local settings with DEBUG off. Each request is one
that once cost a worker seconds or came back as HTML: a login step with 100,000 unknown
fields, a header over gunicorn's limit, a 10 MB body, an unknown path. Every answer must be
a small JSON error in the API's shape; the time the 100,000 fields took is printed, not asserted.

Redis must listen on 127.0.0.1:6379 (the harness requires it; this test keeps its cache local).
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from harness.deployment import Deployment, local_deployment, stop, wait_until_serving
from harness.smtp_sink import free_loopback_port

pytestmark = pytest.mark.xdist_group("hostile-requests")

UNKNOWN_FIELDS = 100_000
# However hostile the request, the answer stays below this many bytes.
SMALL_ANSWER_BYTES = 2048
BODY_BYTES = 10 * 1024 * 1024
SOCKET_TIMEOUT_SECONDS = 30


@dataclass
class RawAnswer:
    """An HTTP answer as it came off the socket."""

    status: int
    headers: dict[str, str]
    body: bytes

    def error_codes(self) -> list[str]:
        """The codes of a JSON error in the API's shape (asserting that it is one)."""
        assert self.headers.get("content-type", "").startswith("application/json"), (self.headers, self.body[:300])
        assert len(self.body) < SMALL_ANSWER_BYTES, f"{len(self.body)} bytes: {self.body[:300]!r}"
        error = json.loads(self.body)
        assert set(error) == {"type", "errors"}, error
        assert error["type"] in {"validation_error", "client_error"}, error
        assert all(set(entry) == {"code", "detail", "attr"} for entry in error["errors"]), error
        return [entry["code"] for entry in error["errors"]]


def exchange(port: int, head: bytes, body: bytes = b"") -> RawAnswer:
    """Send a request and read its answer at the same time, as a browser does.

    The body goes out from another thread: a server that refuses a body without reading it
    answers while the client is still sending, and closes the connection.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=SOCKET_TIMEOUT_SECONDS) as connection:

        def send() -> None:
            try:
                connection.sendall(head + body)
            except OSError:
                pass  # the server closed the connection after answering

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass  # after the answer: the server dropped the rest of an unread body
        sender.join(timeout=SOCKET_TIMEOUT_SECONDS)
    answer_head, _, answer_body = answer.partition(b"\r\n\r\n")
    assert answer_head.startswith(b"HTTP/1.1 "), answer[:300]
    status_line, *header_lines = answer_head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, value in (line.split(": ", 1) for line in header_lines)}
    return RawAnswer(int(status_line.split(" ")[1]), headers, answer_body)


def request_head(method: str, path: str, *, length: int | None = None, **headers: str) -> bytes:
    """A request head for the server on loopback, with these headers (underscores become hyphens)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if length is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {length}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def post_json(port: int, path: str, body: Any) -> RawAnswer:
    content = json.dumps(body).encode()
    return exchange(port, request_head("POST", path, length=len(content)), content)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[Deployment]:
    """The default answers rendered and migrated, with a cache of their own (no REDIS_URL)."""
    with local_deployment(tmp_path_factory, cookiecutter_config, "hostile-requests", redis_urls=()) as deployment:
        yield deployment


@pytest.fixture(scope="module")
def port(deployment: Deployment) -> Iterator[int]:
    """The port of gunicorn serving the render with config/gunicorn.py and one worker."""
    port = free_loopback_port()
    command = [deployment.bin / "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]
    process: subprocess.Popen = deployment.start(
        "gunicorn", command, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", GUNICORN_ACCESS_LOG="false"
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process, deployment, "gunicorn")
        yield port
    finally:
        stop(process)


def test_a_login_step_with_100000_unknown_fields_is_one_small_error(port):
    body = {"email": "alice@example.com", "password": "a password"}
    body.update({f"field_{number}": number for number in range(UNKNOWN_FIELDS)})
    started = time.monotonic()
    answer = post_json(port, "/api/auth/login/password/", body)
    seconds = time.monotonic() - started
    print(f"{UNKNOWN_FIELDS} unknown fields: answered in {seconds:.2f}s, {len(answer.body)} bytes")
    assert answer.status == 400, answer.body[:300]
    assert answer.error_codes() == ["unexpected_field"], "unknown fields are one error, however many"
    assert exchange(port, request_head("GET", "/health/")).status == 200, "the worker is free again at once"


def test_a_header_over_gunicorn_s_limit_is_a_json_error(port):
    answer = exchange(port, request_head("GET", "/health/", X_Padding="p" * 40_000))
    assert answer.status in {400, 431}, answer.body
    assert answer.error_codes() == ["request_headers_too_large"]


def test_a_10_mb_body_is_a_json_413(port):
    answer = exchange(port, request_head("POST", "/api/auth/login/password/", length=BODY_BYTES), b"x" * BODY_BYTES)
    assert answer.status == 413, answer.body[:300]
    assert answer.error_codes() == ["request_too_large"]


def test_an_unknown_path_is_a_json_404(port):
    answer = exchange(port, request_head("GET", "/no-such-page/"))
    assert answer.status == 404, answer.body[:300]
    assert answer.error_codes() == ["not_found"]
