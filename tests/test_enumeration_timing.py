"""The generated project's timing benchmark runs against a served render and prints its figures.

`scripts/enumeration_timing.py` measures, per endpoint that takes an email, a known
address against unknown ones. Here it runs with a few samples against a render of the
default answers served by gunicorn on loopback, with the settings its docstring asks
for (budgets that never lock). The test checks the shape of what it prints (one line
of figures per endpoint) and prints them; timings on a shared machine prove nothing,
so no number is asserted.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness.deployment import Deployment, local_deployment, stop, wait_until_serving
from harness.smtp_sink import free_loopback_port

pytestmark = pytest.mark.xdist_group("enumeration-timing")

SAMPLES = 6
KNOWN_EMAIL = "known@example.com"
PASSWORD = "sturdy lantern orchard"
# What the script's docstring asks for: the local settings with budgets that never lock.
TIMING_SETTINGS = """\
from .local import *  # noqa: F403
from .local import GATEHOUSE

NEVER = 10**9
GATEHOUSE = {
    **GATEHOUSE,
    "LOCKOUT_ACCOUNT_THRESHOLD": NEVER,
    "LOCKOUT_ACCOUNT_MAX_FAILURES": None,
    "LOCKOUT_IP_THRESHOLD": NEVER,
    "EMAIL_ACCOUNT_LIMIT": NEVER,
    "EMAIL_IP_LIMIT": NEVER,
}
"""
ENDPOINTS = ("password step", "email-code step", "registration", "resend", "password reset")
NUMBER = r"[-+]?[0-9]+\.[0-9]+"
FIGURES = re.compile(
    rf"^(?P<name>.+?) +(?P<samples>[0-9]+) +(?P<known>{NUMBER}) +(?P<unknown>{NUMBER}) +(?P<diff>{NUMBER})"
    rf" +(?P<u>{NUMBER}) +(?P<p>{NUMBER}) +(?P<verdict>same|DIFFERS)$"
)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[Deployment]:
    """The default answers rendered and migrated, with the timing settings, and one known account."""
    with local_deployment(tmp_path_factory, cookiecutter_config, "enumeration-timing", redis_urls=()) as deployment:
        (deployment.path / "config" / "settings" / "timing.py").write_text(TIMING_SETTINGS)
        deployment.environment["DJANGO_SETTINGS_MODULE"] = "config.settings.timing"
        deployment.shell(
            "from django.contrib.auth import get_user_model; "
            f"u = get_user_model().objects.create_user(email={KNOWN_EMAIL!r}, password={PASSWORD!r}); "
            "u.is_active = True; u.activation_pending = False; u.save(); print(u.pk)"
        )
        yield deployment


@pytest.fixture(scope="module")
def server(deployment: Deployment) -> Iterator[str]:
    """The base URL of gunicorn serving the deployment on a free loopback port."""
    port = free_loopback_port()
    command = [deployment.bin / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = deployment.start("web", command)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url, process, deployment, "web")
        yield base_url
    finally:
        stop(process)


def run_script(deployment: Deployment, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(deployment.bin / "python"), "scripts/enumeration_timing.py", *arguments],
        cwd=deployment.path,
        env=deployment.environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_benchmark_prints_medians_a_difference_and_a_test_for_every_endpoint(deployment, server):
    result = run_script(deployment, server, "--known-email", KNOWN_EMAIL, "--samples", str(SAMPLES))
    print(result.stdout)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\n{deployment.log('web')}"
    rows = {}
    for line in result.stdout.splitlines():
        match = FIGURES.match(line)
        if match:
            rows[match["name"]] = match
    assert set(rows) == set(ENDPOINTS), f"expected a line of figures per endpoint:\n{result.stdout}"
    for name, row in rows.items():
        assert int(row["samples"]) == SAMPLES, f"{name}: {row.group(0)}"
        assert float(row["known"]) > 0 and float(row["unknown"]) > 0, f"{name}: {row.group(0)}"
        assert 0 <= float(row["p"]) <= 1, f"{name}: a p-value is a probability: {row.group(0)}"
        difference = float(row["known"]) - float(row["unknown"])
        assert abs(difference - float(row["diff"])) < 0.002, f"{name}: the difference is of the medians shown"
    # Every request was answered, not refused: the known address received the emails the run asked for.
    assert deployment.sink.messages_to(KNOWN_EMAIL), "the known address was sent nothing"


def test_the_benchmark_refuses_a_server_that_is_not_on_loopback(deployment):
    result = run_script(deployment, "http://192.0.2.1:8000", "--known-email", KNOWN_EMAIL, "--samples", "2")
    assert result.returncode != 0
    assert "loopback" in result.stderr, result.stderr
