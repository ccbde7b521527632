"""The local servers some checks need, and what to do when one is not there."""

from __future__ import annotations

import os
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
        reason = f"{self.name} is not listening on {self.host}:{self.port} (start it with: {self.start_hint})"
        if os.environ.get("GATEHOUSE_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason}; GATEHOUSE_REQUIRE_SERVICES=1 says it must be running")
        pytest.skip(reason)


POSTGRESQL = Service(
    "PostgreSQL",
    "127.0.0.1",
    5432,
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
)
REDIS = Service("Redis", "127.0.0.1", 6379, "redis-server --daemonize yes")
RABBITMQ = Service("RabbitMQ", "127.0.0.1", 5672, "rabbitmq-server -detached")
