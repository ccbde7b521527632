"""The gunicorn worker that config/gunicorn.py names: gunicorn's sync worker, with JSON error answers.

When gunicorn itself refuses a request (a request line or a header over its limits, a
malformed request) or the application fails before answering, the worker's `handle_error`
writes an HTML page. This worker keeps everything gunicorn decides there (the status, the
logging, the access-log line) and only sends the answer in the API's error shape
(`{{ cookiecutter.project_slug }}/api/errors.py`) instead, so that no client of the API
ever has to read HTML.

It runs in gunicorn's processes before Django is set up, so it imports nothing of the project.
"""

from __future__ import annotations

import json
import socket
from typing import Any

from gunicorn.workers.sync import SyncWorker

# The code and detail of each status gunicorn answers itself; another 4xx is a `bad_request`.
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request is malformed."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    414: ("request_line_too_large", "The request line is too long."),
    417: ("expectation_failed", "The expectation of the Expect header cannot be met."),
    431: ("request_headers_too_large", "The request headers are too large."),
    500: ("error", "Server Error (500)"),
    501: ("not_implemented", "The request uses a transfer coding that is not supported."),
}


def json_error_answer(html_answer: bytes) -> bytes:
    """The HTTP answer `html_answer` (gunicorn's error page) with the same status and a JSON body."""
    status_line = html_answer.split(b"\r\n", 1)[0].decode("latin-1")
    try:
        _, status, reason = status_line.split(" ", 2)
        status_code = int(status)
    except ValueError:
        return html_answer
    code, detail = STATUS_ERRORS.get(status_code, STATUS_ERRORS[500 if status_code >= 500 else 400])
    error_type = "server_error" if status_code >= 500 else "client_error"
    body = json.dumps({"type": error_type, "errors": [{"code": code, "detail": detail, "attr": None}]}).encode()
    head = (
        f"HTTP/1.1 {status_code} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body


class JsonErrorSocket:
    """The client's socket as `handle_error` sees it: the error page written to it goes out as JSON."""

    def __init__(self, client: socket.socket) -> None:
        self.client = client

    def sendall(self, data: bytes) -> None:
        self.client.sendall(json_error_answer(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


class JsonErrorAnswers:
    """Make a gunicorn worker class answer its own errors in JSON: list it first among the bases.

    `--threads` has no effect on JsonErrorWorker (gunicorn swaps only its own sync worker
    for the threaded one); a threaded deployment names
    `class JsonErrorThreadWorker(JsonErrorAnswers, gunicorn.workers.gthread.ThreadWorker)`.
    """

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        super().handle_error(req, JsonErrorSocket(client), addr, exc)  # type: ignore[misc]


class JsonErrorWorker(JsonErrorAnswers, SyncWorker):
    """gunicorn's sync worker, whose own error answers are JSON."""
