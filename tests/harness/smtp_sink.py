"""A real SMTP server on loopback that keeps what it receives and can refuse on demand (aiosmtpd).

`SmtpSink` runs aiosmtpd's threaded Controller inside the test process. Tests read the
messages it accepted, wait for one to a given address, and make it answer `451` (try
again later) to the next few deliveries, as a mail server under load does.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Self

from aiosmtpd.controller import Controller

TEMPORARY_FAILURE = "451 4.3.0 Try again later"
ACCEPTED = "250 Message accepted for delivery"


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ReceivedMessage:
    """One message the sink accepted: its envelope recipients and the parsed message."""

    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        """The text/plain part of the message."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


@dataclass
class SinkHandler:
    """aiosmtpd handler: accepts every message, except the next `refusals` ones, answered with 451."""

    messages: list[ReceivedMessage] = field(default_factory=list)
    attempts: list[list[str]] = field(default_factory=list)
    refusals: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.attempts.append(list(envelope.rcpt_tos))
            if self.refusals > 0:
                self.refusals -= 1
                return TEMPORARY_FAILURE
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(ReceivedMessage(list(envelope.rcpt_tos), parsed))
        return ACCEPTED


class SmtpSink:
    """An SMTP server on 127.0.0.1:`port` for the duration of a `with` block."""

    def __init__(self) -> None:
        self.handler = SinkHandler()
        self.port = free_loopback_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Self:
        self.controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.controller.stop()

    def refuse_next(self, count: int) -> None:
        """Answer the next `count` deliveries with 451."""
        with self.handler.lock:
            self.handler.refusals = count

    def messages_to(self, address: str) -> list[ReceivedMessage]:
        """The messages accepted for `address` so far."""
        with self.handler.lock:
            return [message for message in self.handler.messages if address in message.recipients]

    def attempts_to(self, address: str) -> int:
        """How many deliveries to `address` were tried, refused ones included."""
        with self.handler.lock:
            return sum(address in recipients for recipients in self.handler.attempts)

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 60) -> list[ReceivedMessage]:
        """The messages to `address` once there are `count` of them; AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.messages_to(address)
            if len(messages) >= count:
                return messages
            time.sleep(0.2)
        raise AssertionError(
            f"expected {count} email(s) to {address} within {timeout}s, got {self.messages_to(address)}"
        )
