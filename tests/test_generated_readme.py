"""The generated README's two commands work as written on a render with nothing installed yet.

The commands are read from the README's first two code blocks (serve, then test), so this test stays
true to what a newcomer types. The serve command builds the project's own `.venv` from scratch: that
install is part of what is being tested, so it gets a few minutes.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from harness.processes import clean_environment, describe, run, tail
from harness.readme import readme_commands
from harness.rendering import render

# Both tests share one render and its .venv: keep them on one pytest-xdist worker, in file order.
pytestmark = pytest.mark.xdist_group("generated-readme")

SERVE_TIMEOUT_SECONDS = 600
TEST_TIMEOUT_SECONDS = 1800
STOP_TIMEOUT_SECONDS = 30
# Never through an HTTP proxy that the environment may name: the server is on loopback.
NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def readme_project(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Path:
    """The default answers rendered once for this module."""
    return render({}, tmp_path_factory.mktemp("readme"), cookiecutter_config)


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_when_up(url: str, server: subprocess.Popen, log: Path, deadline: float) -> int:
    """The HTTP status of `url` once the server answers at all; fails if the server dies or time runs out."""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"The serve command exited with code {server.returncode} before answering:\n{tail(log.read_text())}"
            )
        try:
            with NO_PROXY_OPENER.open(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    pytest.fail(f"{url} did not answer within {SERVE_TIMEOUT_SECONDS}s:\n{tail(log.read_text())}")


def stop(server: subprocess.Popen) -> None:
    """Stop make, runserver and its autoreloader child: the whole process group the command started."""
    for stop_signal in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, stop_signal)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=STOP_TIMEOUT_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


def test_readme_serve_command_answers_health_and_schema(readme_project: Path, tmp_path: Path):
    serve_command, _ = readme_commands(readme_project)
    host_port = f"127.0.0.1:{free_loopback_port()}"
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [*shlex.split(serve_command), f"HOST_PORT={host_port}"],
            cwd=readme_project,
            env=clean_environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches every child
        )
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT_SECONDS
        health = status_when_up(f"http://{host_port}/health/", server, log, deadline)
        schema = status_when_up(f"http://{host_port}/api/schema/", server, log, deadline)
    finally:
        stop(server)
    assert health == 200, f"`{serve_command}` must serve /health/ with 200, got {health}:\n{tail(log.read_text())}"
    assert schema == 200, f"`{serve_command}` must serve /api/schema/ with 200, got {schema}:\n{tail(log.read_text())}"


def test_readme_test_command_passes(readme_project: Path):
    _, test_command = readme_commands(readme_project)
    result = run(shlex.split(test_command), cwd=readme_project, timeout=TEST_TIMEOUT_SECONDS)
    assert result.returncode == 0, f"The README's test command must pass on a fresh render:\n{describe(result)}"
