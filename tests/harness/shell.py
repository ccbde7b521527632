"""One bash that runs a page's shell blocks one after the other, as a reader's terminal does.

Each block is written to a file and `source`d by the same bash process, so the variables a block sets stay for the
blocks after it, and the block's text runs exactly as it is on the page. Each block's stdout and stderr are kept apart
in files of their own; the exit status of its last command is read back.
"""

from __future__ import annotations

import os
import re
import secrets
import select
import shlex
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .processes import tail

BLOCK_TIMEOUT_SECONDS = 120
# Proxy variables of the developer's environment would send curl's requests to loopback through a proxy.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@dataclass
class BlockRun:
    """What one block did: its exit status (that of its last command), stdout and stderr."""

    status: int
    stdout: str
    stderr: str

    def describe(self, text: str) -> str:
        return (
            f"$ {text.strip()}\n(exit status {self.status})\nstdout:\n{tail(self.stdout)}\nstderr:\n{tail(self.stderr)}"
        )


class BashSession:
    """A bash process (no profile, no rc file) in `directory`, with `environment`, for the duration of a `with`."""

    def __init__(self, directory: Path, environment: dict[str, str]) -> None:
        self.directory = directory
        environment = {name: value for name, value in environment.items() if name not in PROXY_VARIABLES}
        self.environment = {**environment, "NO_PROXY": "*", "no_proxy": "*"}
        self.blocks = 0
        self.marker = f"block-done-{secrets.token_hex(8)}"
        self.process: subprocess.Popen | None = None
        self.pending = b""

    def __enter__(self) -> BashSession:
        self.process = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            cwd=self.directory,
            env=self.environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.process is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def run(self, text: str, timeout: float = BLOCK_TIMEOUT_SECONDS) -> BlockRun:
        """Source `text` in the session; what it wrote and the exit status of its last command."""
        self.blocks += 1
        script = self.directory / f"block-{self.blocks}.sh"
        stdout, stderr = script.with_suffix(".out"), script.with_suffix(".err")
        script.write_text(text)
        self._send(
            f"source {shlex.quote(str(script))} >{shlex.quote(str(stdout))} 2>{shlex.quote(str(stderr))}\n"
            f"echo {self.marker}:$?\n"
        )
        status = int(self._read_until_marker(timeout))
        return BlockRun(status, stdout.read_text(), stderr.read_text())

    def assign(self, name: str, value: str) -> None:
        """Set a shell variable, as a reader does by typing `NAME=value`."""
        assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", name), name
        result = self.run(f"{name}={shlex.quote(value)}\n")
        assert result.status == 0, result.describe(name)

    def value(self, name: str) -> str:
        """The value of a shell variable ('' when unset)."""
        return self.run(f'printf %s "${{{name}:-}}"\n').stdout

    def _send(self, text: str) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def _read_until_marker(self, timeout: float) -> str:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + timeout
        pattern = re.compile(rf"^{self.marker}:(\d+)$".encode(), re.MULTILINE)
        descriptor = self.process.stdout.fileno()
        while True:
            if match := pattern.search(self.pending):
                self.pending = self.pending[match.end() :]
                return match.group(1).decode()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"a block did not finish within {timeout}s; bash said:\n{self.pending!r}")
            ready, _, _ = select.select([descriptor], [], [], remaining)
            if ready:
                chunk = os.read(descriptor, 65536)
                if not chunk:
                    raise AssertionError(f"bash exited ({self.process.wait()}); it said:\n{self.pending!r}")
                self.pending += chunk
