"""Run the commands a user runs, in an environment that a developer's shell cannot skew."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

# Variables the generated project (or pytest, pip, make) reads. Inherited from a developer's shell or from
# the outer `make test`, they would silently change what a test checks, so every child starts without them.
PROJECT_VARIABLE_PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "EMAIL_", "JWT_", "OIDC_", "PYTEST_")
PROJECT_VARIABLES = {
    "AUTH_SERVICE_URL",
    "DEFAULT_FROM_EMAIL",
    "FRONTEND_URL",
    "CONN_MAX_AGE",
    "CONN_HEALTH_CHECKS",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
}
# How much of a failed command's output an assertion message quotes.
OUTPUT_TAIL_CHARACTERS = 6000


def clean_environment(**overrides: str) -> dict[str, str]:
    """The current environment minus everything that configures the generated project, plus `overrides`."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in PROJECT_VARIABLES and not name.startswith(PROJECT_VARIABLE_PREFIXES)
    }
    return {**inherited, **overrides}


def run(
    command: Sequence[str | Path],
    *,
    cwd: Path,
    environment: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run `command` to completion with stdout and stderr merged, so a failure shows them in order."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment if environment is not None else clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


def tail(output: str) -> str:
    """The end of a command's output: where the reason for a failure usually is."""
    if len(output) <= OUTPUT_TAIL_CHARACTERS:
        return output
    return "[...]\n" + output[-OUTPUT_TAIL_CHARACTERS:]


def describe(result: subprocess.CompletedProcess[str]) -> str:
    """A failed command, its exit code and the tail of its output, for an assertion message."""
    command = " ".join(str(part) for part in result.args)
    return f"$ {command}\n(exit code {result.returncode})\n{tail(result.stdout or '')}"
