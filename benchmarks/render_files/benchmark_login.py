"""Login, split into password hashing and the rest, measured in one process of a render (benchmarks/run.py).

Run with the render's venv and the benchmark's production environment: `python benchmark_login.py ROUNDS`.
Prints one JSON object: the medians of one password check and of one whole password login
(the Django stack without gunicorn: middleware, view, engine, tokens), of what each login
spent beyond its own password check, and the SQL statements one login sends. The hashing
is timed inside each login (the hasher's `verify`), so that what is beyond it is one
login's difference, not the difference of two medians that each vary by tens of
milliseconds on a busy machine.
"""

import json
import os
import secrets
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.benchmark")
django.setup()

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

PASSWORD = "sturdy lantern orchard"


def milliseconds(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3),
    }


def time_the_hasher() -> list[float]:
    """Time every `verify` of the default hasher from now on; the list the durations go to."""
    hasher_class = type(get_hasher())
    verify = hasher_class.verify
    durations: list[float] = []

    def timed_verify(self: object, password: str, encoded: str) -> bool:
        started = time.perf_counter()
        try:
            return verify(self, password, encoded)
        finally:
            durations.append(time.perf_counter() - started)

    hasher_class.verify = timed_verify  # type: ignore[method-assign]
    return durations


def main(rounds: int) -> None:
    email = f"login-benchmark-{secrets.token_hex(4)}@example.com"
    get_user_model().objects.create_user(email, PASSWORD)
    verifications = time_the_hasher()
    hashing, logins, beyond, statements = [], [], [], []
    for _ in range(rounds):
        # A new client each time: no cookie of an earlier login goes with the next one.
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_PREFER="token-transport=body")
        verifications.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            answer = client.post(
                "/api/auth/login/password/", {"email": email, "password": PASSWORD}, content_type="application/json"
            )
            elapsed = time.perf_counter() - started
        if answer.status_code != 200 or answer.json().get("status") != "complete":
            raise SystemExit(f"login answered {answer.status_code}: {answer.content[:500]!r}")
        logins.append(elapsed)
        hashing.append(sum(verifications))
        beyond.append(elapsed - sum(verifications))
        statements.append([query["sql"] for query in queries.captured_queries])
    hash_figures, login_figures = milliseconds(hashing), milliseconds(logins)
    print(
        json.dumps(
            {
                "hashing": hash_figures,
                "login": login_figures,
                "beyond_hashing_median_ms": round(statistics.median(beyond) * 1000, 3),
                "beyond_hashing_p99_ms": milliseconds(beyond)["p99_ms"],
                "sql_statements": len(statements[-1]),
                "sql": [sql[:200] for sql in statements[-1]],
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
