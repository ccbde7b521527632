"""The local servers some checks need, and what to do when one is not there."""

from __future__ import annotations

import os
import shutil
import socket
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Service:
    """A server the tests reach on loopback, and the command that starts it on a Debian machine."""

    name: str
    host: str
    port: int
    start_hint: str

    def is_listening(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=2):
                return True
        except OSError:
            return False

    def require(self) -> None:
        """Skip the calling test when the service is absent; fail instead when the run says services are
        guaranteed (.ci/run sets GATEHOUSE_REQUIRE_SERVICES=1), so CI can never skip its way to green."""
        if self.is_listening():
            return
        absent(f"{self.name} is not listening on {self.host}:{self.port} (start it with: {self.start_hint})")


@dataclass(frozen=True)
class Tool:
    """Commands some checks run, and the Debian packages that provide them."""

    commands: tuple[str, ...]
    packages: str

    def require(self) -> None:
        """Skip the calling test when a command is missing; fail instead under GATEHOUSE_REQUIRE_SERVICES=1 (CI)."""
        missing = [command for command in self.commands if shutil.which(command) is None]
        if missing:
            absent(f"{', '.join(missing)} not found (install it with: apt-get install {self.packages})")


def absent(reason: str) -> None:
    """Skip for `reason`, or fail when the run says every service and tool is guaranteed (.ci/run installs them)."""
    if os.environ.get("GATEHOUSE_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}; GATEHOUSE_REQUIRE_SERVICES=1 says it must be there")
    pytest.skip(reason)


POSTGRESQL = Service(
    "PostgreSQL",
    "127.0.0.1",
    5432,
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
)
REDIS = Service("Redis", "127.0.0.1", 6379, "redis-server --daemonize yes")
RABBITMQ = Service("RabbitMQ", "127.0.0.1", 5672, "rabbitmq-server -detached")
NODE = Tool(("node", "npm"), "nodejs npm")
# Debian's browser, driven by Playwright (tests/test_frontends.py); Playwright never downloads one of its own.
CHROMIUM = Tool(("chromium",), "chromium")
