#!/usr/bin/env python3
"""Measure whether the endpoints that take an email answer a known address as fast as an unknown one.

Against a running server on this machine (loopback only: the run sends hundreds of
wrong passwords and emails), for each endpoint that takes an email (the password step,
the email-code step, registration, resend, password reset), it posts SAMPLES requests
for a known address and SAMPLES for unknown ones, interleaved in a random order so that
drift on the machine falls on both alike, and prints per endpoint the median time of
each, their difference, and a two-sided Mann-Whitney U test of the two samples (pure
Python, normal approximation with ties corrected). A p-value below 0.01, or a median
difference above 5 ms, says the timing may tell whether an account exists. It asserts
nothing: the figures are for a person to read (docs/login.md, "Timing").

    python scripts/enumeration_timing.py http://127.0.0.1:8000 --known-email owner@example.com

The known address must have an active account, and it receives every email the run
asks for (login codes, "you already have an account", reset links): use a test
account on a machine of your own, never production. Each unknown request uses a fresh
address (`timing-<random>@example.invalid`), so that no unknown address is counted
twice and registration always meets a new one.

The lockout and the email caps would stop the run long before 400 samples (the known
address is one account, and every request comes from one client address), and a
refused request answers in no time, so the server must run with budgets that never
lock, for the run only. Put this in `config/settings/timing.py` (never deploy it):

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

and serve with `DJANGO_SETTINGS_MODULE=config.settings.timing`. Everything is still
counted, so the work measured is a real request's; only no lock is ever reached. The
script stops at the first 429 and says so. Measure what you deploy: with tasks run
inline (no CELERY_BROKER_URL) the email of a known address is sent inside the request,
which an unknown address's is not, and the figures will show it; with a broker, the
request only queues it, for either address.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import math
import random
import secrets
import socket
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_SAMPLES = 400
API_PREFIX = "/api/auth/"
# What the contract allows (docs/login.md): the medians within 5 ms, not distinguishable at p < 0.01.
MEDIAN_TOLERANCE_MS = 5.0
SIGNIFICANCE = 0.01
REQUEST_TIMEOUT_SECONDS = 30
NOT_ROUTED = 404
LOCKED = 429


@dataclass(frozen=True)
class Endpoint:
    """One endpoint that takes an email: its name, its path, and the body it is sent for an address."""

    name: str
    path: str
    body: Callable[[str], dict[str, str]]


def wrong_password() -> str:
    """A password no account has: the password step then refuses known and unknown addresses alike."""
    return f"not the password {secrets.token_hex(8)}"


def new_password() -> str:
    """A password that the validators accept, so that registration gets past its checks."""
    return f"timing lantern {secrets.token_hex(8)}"


def endpoints(scenarios: set[str]) -> list[Endpoint]:
    """The endpoints to measure; the login steps of the scenarios the server offers."""
    measured = []
    credentials = next((key for key in ("password", "password-and-email-code") if key in scenarios), None)
    if credentials is not None:
        measured.append(
            Endpoint(
                "password step",
                f"{API_PREFIX}login/{credentials}/",
                lambda email: {"email": email, "password": wrong_password()},
            )
        )
    if "email-code" in scenarios:
        measured.append(Endpoint("email-code step", f"{API_PREFIX}login/email-code/", lambda email: {"email": email}))
    measured += [
        Endpoint("registration", f"{API_PREFIX}register/", lambda email: {"email": email, "password": new_password()}),
        Endpoint("resend", f"{API_PREFIX}register/resend/", lambda email: {"email": email}),
        Endpoint("password reset", f"{API_PREFIX}password/reset/", lambda email: {"email": email}),
    ]
    return measured


class Server:
    """Sends JSON requests to the server at `base_url`, one connection each, and times them."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise SystemExit(f"Not an http(s) URL: {base_url}")
        self.host = parts.hostname
        self.port = parts.port
        self.secure = parts.scheme == "https"
        require_loopback(self.host)

    def connection(self) -> http.client.HTTPConnection:
        connection_class = http.client.HTTPSConnection if self.secure else http.client.HTTPConnection
        return connection_class(self.host, self.port, timeout=REQUEST_TIMEOUT_SECONDS)

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, bytes, float]:
        """The status, the body and the seconds from sending the request to reading the whole answer."""
        connection = self.connection()
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        try:
            connection.connect()
            started = time.perf_counter()
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            content = response.read()
            elapsed = time.perf_counter() - started
        finally:
            connection.close()
        return response.status, content, elapsed


def require_loopback(host: str) -> None:
    """Refuse any server that is not on this machine."""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as error:
        raise SystemExit(f"Cannot resolve {host}: {error}") from None
    if not all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses):
        raise SystemExit(f"{host} is not a loopback address: this script only measures a server on this machine.")


def offered_scenarios(server: Server) -> set[str]:
    """The keys of the login scenarios `GET options/` lists."""
    status, content, _elapsed = server.request("GET", f"{API_PREFIX}options/")
    if status != 200:
        raise SystemExit(f"GET {API_PREFIX}options/ answered {status}: is this a Gatehouse project's server?")
    return {scenario["key"] for scenario in json.loads(content)["scenarios"]}


def unknown_address() -> str:
    """A fresh address that no account has (the .invalid domain never exists)."""
    return f"timing-{secrets.token_hex(8)}@example.invalid"


def sample(server: Server, endpoint: Endpoint, email: str) -> float | None:
    """One request's time in milliseconds; None when the endpoint is not routed. Stops the run at a lock."""
    status, content, elapsed = server.request("POST", endpoint.path, endpoint.body(email))
    if status == NOT_ROUTED:
        return None
    if status == LOCKED:
        raise SystemExit(
            f"{endpoint.name}: 429 {content[:200]!r}. The lockout or an email cap refused the run: serve it "
            "with budgets that never lock (this script's docstring says how)."
        )
    if status >= 500:
        raise SystemExit(f"{endpoint.name}: {status} {content[:200]!r}")
    return elapsed * 1000


def measure(server: Server, endpoint: Endpoint, known_email: str, samples: int) -> tuple[list[float], list[float]]:
    """`samples` times of the endpoint for the known address and as many for fresh unknown ones, interleaved."""
    known: list[float] = []
    unknown: list[float] = []
    for _ in range(samples):
        pair = [(known, known_email), (unknown, unknown_address())]
        # Which goes first is drawn each time, so that neither always follows the other.
        random.shuffle(pair)
        for times, email in pair:
            elapsed = sample(server, endpoint, email)
            if elapsed is None:
                return [], []
            times.append(elapsed)
    return known, unknown


def mann_whitney_u(first: Sequence[float], second: Sequence[float]) -> tuple[float, float]:
    """The U statistic of `first` against `second` and its two-sided p-value (normal approximation, ties corrected)."""
    n1, n2 = len(first), len(second)
    pooled = sorted([(value, 0) for value in first] + [(value, 1) for value in second])
    rank_sum_first = 0.0
    tie_term = 0.0
    position = 0
    while position < len(pooled):
        end = position
        while end + 1 < len(pooled) and pooled[end + 1][0] == pooled[position][0]:
            end += 1
        # Tied values share the mean of the ranks they span (ranks count from 1).
        mean_rank = (position + end) / 2 + 1
        tied = end - position + 1
        tie_term += tied**3 - tied
        rank_sum_first += mean_rank * sum(1 for _value, group in pooled[position : end + 1] if group == 0)
        position = end + 1
    u_first = rank_sum_first - n1 * (n1 + 1) / 2
    total = n1 + n2
    mean = n1 * n2 / 2
    variance = n1 * n2 / 12 * ((total + 1) - tie_term / (total * (total - 1)))
    if variance <= 0:
        return u_first, 1.0
    # The continuity correction moves |U - mean| half a step towards the mean.
    z = max(0.0, abs(u_first - mean) - 0.5) / math.sqrt(variance)
    return u_first, math.erfc(z / math.sqrt(2))


def report_line(name: str, known: Sequence[float], unknown: Sequence[float]) -> str:
    """One endpoint's figures, in the columns of `HEADER`."""
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    difference = known_median - unknown_median
    u, p = mann_whitney_u(known, unknown)
    verdict = "same" if abs(difference) <= MEDIAN_TOLERANCE_MS and p >= SIGNIFICANCE else "DIFFERS"
    return (
        f"{name:<16} {len(known):>7} {known_median:>10.3f} {unknown_median:>10.3f} "
        f"{difference:>+9.3f} {u:>11.1f} {p:>9.4f}  {verdict}"
    )


HEADER = (
    f"{'endpoint':<16} {'samples':>7} {'known ms':>10} {'unknown ms':>10} {'diff ms':>9} {'U':>11} {'p':>9}  verdict"
)


def main(arguments: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("base_url", help="the server, such as http://127.0.0.1:8000 (loopback only)")
    parser.add_argument("--known-email", required=True, help="the address of an active account on that server")
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, help="requests per address kind and endpoint")
    options = parser.parse_args(arguments)
    if options.samples < 2:
        parser.error("--samples must be at least 2")
    server = Server(options.base_url)
    print(f"{options.samples} interleaved samples per address kind and endpoint against {options.base_url}")
    print(HEADER)
    for endpoint in endpoints(offered_scenarios(server)):
        known, unknown = measure(server, endpoint, options.known_email, options.samples)
        if not known:
            print(f"{endpoint.name:<16} not routed on this server")
            continue
        print(report_line(endpoint.name, known, unknown), flush=True)
    print(f"'same': medians within {MEDIAN_TOLERANCE_MS:g} ms and p >= {SIGNIFICANCE:g} (two-sided Mann-Whitney U).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
