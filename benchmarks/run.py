"""The template's benchmarks: renders served as production serves them, driven by wrk, figures side by side.

    make benchmark            # the full run (docs/benchmarks.md records one)
    make benchmark QUICK=1    # a few requests per case: that every case still runs (tests/test_benchmarks.py)

Each render runs under gunicorn (config/gunicorn.py, two workers) with its production settings on
loopback, on PostgreSQL and Redis, with a settings module of the benchmark's own that adds three
views (render_files/). wrk, on another CPU than gunicorn where there are two, sends a fixed number
of requests per case, in rounds that interleave the cases of one render, so that whatever else the
machine does falls on every case alike. Every figure is a median over the rounds, and every ratio
is one of requests per second to the empty view of the same render, taken round by round.

Cases: the empty view; the same view authenticated by a header JWT (claims: stateless), a cookie
JWT, a header JWT with the user row read from the database (with and without the connection
health check); gunicorn recycling its workers; a
client service verifying by its cached JWKS (RS256 and EdDSA), and the same client asking the auth
service's `token/verify/` on every request instead; a password login split into hashing and the
rest, with its SQL statements; registration with an SMTP server that takes 2 seconds per message
and a Celery worker; the time to render the default answers and to run that project's suite.

The figures are printed, and written as JSON (--output, benchmarks/results.json by default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS_DIR.parent / "tests"))

from aiosmtpd.controller import Controller
from harness.deployment import Deployment, call, postgresql_database, stop, wait_until_serving
from harness.dotenv import read_env_file
from harness.processes import clean_environment, describe, run
from harness.rendering import render, write_cookiecutter_config
from harness.services import POSTGRESQL, REDIS
from harness.serving import send
from harness.smtp_sink import SinkHandler, SmtpSink, free_loopback_port
from harness.venvs import virtualenv_for

WRK_SCRIPT = BENCHMARKS_DIR / "wrk.lua"
RENDER_FILES = BENCHMARKS_DIR / "render_files"
DEFAULT_OUTPUT = BENCHMARKS_DIR / "results.json"
EMAIL = "bench-user@example.com"
PASSWORD = "sturdy lantern orchard"
ISSUER = "https://auth.benchmark.test"
AUDIENCE = "https://api.benchmark.test"
# What the benchmark servers take from the render's own .env: the signing keys and the second factors' Fernet keys.
SECRETS_OF_THE_RENDER = ("JWT_PRIVATE_KEY", "JWT_SIGNING_KEY", "MFA_ENCRYPTION_KEYS")
# The TLS proxy's header, as production expects it (DJANGO_SECURE_PROXY_SSL_HEADER=true).
THROUGH_THE_PROXY = "X-Forwarded-Proto: https"
BODY_TOKENS = {"Prefer": "token-transport=body", "X-Forwarded-Proto": "https"}
# Redis databases of the benchmark's own (the template's tests use 9 to 12).
REDIS_DATABASES = {"standalone": 13, "auth": 14, "client": 15}
SMTP_DELAY_SECONDS = 2
WEB_WORKERS = 2
CONNECTIONS = 4
# wrk's -d: only an upper bound, the script stops at the request count.
WRK_MAX_SECONDS = 300
# wrk's default (2 s) counts a request that waits behind a busy machine as lost; none should wait this long.
WRK_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Mode:
    """How much to measure: rounds per render, requests per case and round, logins and registrations."""

    rounds: int
    requests: int
    logins: int
    registrations: int


FULL = Mode(rounds=8, requests=1000, logins=30, registrations=20)
QUICK = Mode(rounds=2, requests=50, logins=3, registrations=2)


@dataclass
class Case:
    """One wrk target: a server, a path, headers; its figures are ratios to `baseline` (a case of the same render)."""

    name: str
    server: str
    path: str
    headers: list[str] = field(default_factory=list)
    baseline: str | None = None
    rounds: list[dict[str, Any]] = field(default_factory=list)


# --- Machine and tools ---------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk's path, installing Debian's package first when it is missing (as .ci/run installs what tests need)."""
    if found := shutil.which("wrk"):
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed: apt-get install wrk (as root), then run the benchmark again.")
    print("Installing wrk", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"], check=True, env=environment)
    return shutil.which("wrk") or "wrk"


def cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))


def pinned(command: list[Any], role: str) -> list[Any]:
    """`command` on a CPU of its own where there are two or more: the servers on the first, wrk on the last."""
    available = cpus()
    if len(available) < 2 or shutil.which("taskset") is None:
        return command
    cpu = available[0] if role == "server" else available[-1]
    return ["taskset", "-c", str(cpu), *command]


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory_kb = int(meminfo.read_text().split()[1])
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return {
        "cpu": model,
        "cpus": len(cpus()),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "wrk": (wrk_version.stdout or wrk_version.stderr).splitlines()[0]
        if wrk_version.stdout or wrk_version.stderr
        else "",
        "load_average_at_start": list(os.getloadavg()),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


# --- Renders and their servers -------------------------------------------------------------------------------


class SlowSinkHandler(SinkHandler):
    """The SMTP sink's handler, taking SMTP_DELAY_SECONDS over every message, as a slow relay does."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(SMTP_DELAY_SECONDS)
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def slow_smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.handler = SlowSinkHandler()
    sink.controller = Controller(sink.handler, hostname="127.0.0.1", port=sink.port)
    with sink:
        yield sink


@dataclass
class Render:
    """A rendered project with the benchmark's files, its venv, a PostgreSQL database and a Redis database."""

    name: str
    deployment: Deployment
    servers: dict[str, tuple[subprocess.Popen, str]] = field(default_factory=dict)

    def serve(self, name: str, **overrides: str) -> str:
        """Start gunicorn with the project's config and `overrides`; its base URL once it answers."""
        port = free_loopback_port()
        command = pinned([self.deployment.bin / "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"], "server")
        process = self.deployment.start(name, command, GUNICORN_BIND=f"127.0.0.1:{port}", **overrides)
        url = f"http://127.0.0.1:{port}"
        self.servers[name] = (process, url)
        wait_until_serving(url, process, self.deployment, name)
        return url

    def stop_servers(self) -> None:
        for process, _url in self.servers.values():
            stop(process)
        self.servers.clear()


@contextmanager
def rendered(
    name: str, answers: dict[str, str], workspace: Path, config: Path, sink: SmtpSink, **environment: str
) -> Iterator[Render]:
    """`answers` rendered with the benchmark's files, migrated on a database of its own, in production settings."""
    path = render(
        {**answers, "project_slug": f"bench_{name.replace('-', '_')}", "use_docker": "n"}, workspace / name, config
    )
    shutil.copy(RENDER_FILES / "benchmark_settings.py", path / "config" / "settings" / "benchmark.py")
    shutil.copy(RENDER_FILES / "benchmark_urls.py", path / "config" / "benchmark_urls.py")
    shutil.copy(RENDER_FILES / "benchmark_login.py", path / "benchmark_login.py")
    bin_dir = virtualenv_for(path)
    logs = workspace / f"{name}-logs"
    logs.mkdir()
    secrets_of_render = read_env_file(path / ".env")
    with postgresql_database(bin_dir, f"bench-{name}") as database_url:
        variables = clean_environment(
            DJANGO_SETTINGS_MODULE="config.settings.benchmark",
            DJANGO_READ_DOT_ENV_FILE="false",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            # No TLS proxy on loopback: the requests say they came through one, and nothing is redirected.
            DJANGO_SECURE_PROXY_SSL_HEADER="true",
            DJANGO_SECURE_SSL_REDIRECT="false",
            DATABASE_URL=database_url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            EMAIL_USE_TLS="false",
            FRONTEND_URL="https://frontend.example.org",
            JWT_ISSUER=ISSUER,
            JWT_AUDIENCE=AUDIENCE,
            GUNICORN_ACCESS_LOG="false",
            WEB_CONCURRENCY=str(WEB_WORKERS),
            # The render's own keys: its tokens' (by algorithm) and, with the mfa app, its secrets' at rest.
            **{key: value for key, value in secrets_of_render.items() if key in SECRETS_OF_THE_RENDER},
            **environment,
        )
        deployment = Deployment(path, bin_dir, variables, sink, logs)
        flush = f"import redis; redis.Redis.from_url({variables['REDIS_URL']!r}).flushdb()"
        result = run([bin_dir / "python", "-c", flush], cwd=path, environment=variables)
        assert result.returncode == 0, describe(result)
        deployment.manage("migrate", "--noinput")
        render_ = Render(name, deployment)
        try:
            yield render_
        finally:
            render_.stop_servers()


def create_user(render_: Render) -> None:
    render_.deployment.shell(
        f"from django.contrib.auth import get_user_model; get_user_model().objects.create_user({EMAIL!r}, "
        f"{PASSWORD!r}); print('created')"
    )


def log_in(url: str) -> str:
    """A password login's access token, from the answer's body."""
    status, body, _cookies = send(
        f"{url}/api/auth/login/password/", "POST", {"email": EMAIL, "password": PASSWORD}, BODY_TOKENS
    )
    if status != 200 or body.get("status") != "complete":
        raise SystemExit(f"The benchmark's login answered {status}: {body}")
    return body["access"]


def access_cookie_name(render_: Render) -> str:
    """The name under which a login sets the access cookie, in the render's production settings."""
    slug = render_.deployment.slug
    return render_.deployment.shell(
        f"from {slug}.authn.conf import auth_cookie_names; print(auth_cookie_names().access)"
    )


# --- Driving the cases ---------------------------------------------------------------------------------------


def drive(url: str, case: Case, requests: int) -> dict[str, Any]:
    """One wrk run of `requests` requests: requests per second, median and p99 latency, errors."""
    command = [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{WRK_MAX_SECONDS}s",
        f"--timeout={WRK_TIMEOUT_SECONDS}s",
        "-s",
        str(WRK_SCRIPT),
        "-H",
        THROUGH_THE_PROXY,
        *(part for header in case.headers for part in ("-H", header)),
        f"{url}{case.path}",
    ]
    result = subprocess.run(
        pinned(command, "client"),
        capture_output=True,
        text=True,
        env={**os.environ, "WRK_REQUESTS": str(requests)},
        timeout=WRK_MAX_SECONDS + 30,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed on {case.name}:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(lines[-1])
    errors = figures["errors"]
    if errors["status"] or errors["timeout"]:
        raise SystemExit(f"{case.name}: {errors['status']} answers were not 200, {errors['timeout']} timed out")
    return {
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50_ms": figures["p50_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "socket_errors": errors["connect"] + errors["read"] + errors["write"],
    }


def run_rounds(urls: dict[str, str], cases: list[Case], mode: Mode) -> None:
    """Every case once to warm up (and fetch the JWKS), then `mode.rounds` rounds, the order turning each round."""
    for case in cases:
        drive(urls[case.server], case, max(10, mode.requests // 10))
    for round_number in range(mode.rounds):
        shift = round_number % len(cases)
        for case in cases[shift:] + cases[:shift]:
            case.rounds.append(drive(urls[case.server], case, mode.requests))
        print(f"  round {round_number + 1}/{mode.rounds} done", flush=True)


def summary(cases: list[Case]) -> dict[str, dict[str, Any]]:
    """Per case: medians over the rounds, and the median of the round-by-round ratios to its baseline."""
    by_name = {case.name: case for case in cases}
    figures: dict[str, dict[str, Any]] = {}
    for case in cases:
        entry: dict[str, Any] = {
            "server": case.server,
            "path": case.path,
            "rps_median": round(statistics.median(each["rps"] for each in case.rounds), 1),
            "p50_ms_median": round(statistics.median(each["p50_ms"] for each in case.rounds), 2),
            "p99_ms_median": round(statistics.median(each["p99_ms"] for each in case.rounds), 2),
            "socket_errors": sum(each["socket_errors"] for each in case.rounds),
            "rounds": len(case.rounds),
        }
        if case.baseline:
            baseline = by_name[case.baseline]
            ratios = [mine["rps"] / theirs["rps"] for mine, theirs in zip(case.rounds, baseline.rounds, strict=True)]
            entry["baseline"] = case.baseline
            entry["ratio"] = round(statistics.median(ratios), 3)
        figures[case.name] = entry
    return figures


def standalone_group(render_: Render, mode: Mode) -> dict[str, dict[str, Any]]:
    """The standalone render: the empty view, header and cookie JWT, the database lookup, worker recycling."""
    create_user(render_)
    urls = {
        "claims": render_.serve("claims"),
        "database": render_.serve("database", BENCHMARK_TOKEN_USER_SOURCE="database"),
        "database-unchecked": render_.serve(
            "database-unchecked", BENCHMARK_TOKEN_USER_SOURCE="database", CONN_HEALTH_CHECKS="false"
        ),
        "recycling": render_.serve("recycling", GUNICORN_MAX_REQUESTS="1000", GUNICORN_MAX_REQUESTS_JITTER="100"),
    }
    access = log_in(urls["claims"])
    bearer = f"Authorization: Bearer {access}"
    # The cookie a browser holds after a login answered with cookies: the same token.
    cookie = f"Cookie: {access_cookie_name(render_)}={access}"
    cases = [
        Case("empty", "claims", "/bench/empty/"),
        Case("header_jwt_stateless", "claims", "/bench/authenticated/", [bearer], "empty"),
        Case("cookie_jwt", "claims", "/bench/authenticated/", [cookie], "empty"),
        Case("database_lookup", "database", "/bench/authenticated/", [bearer], "empty"),
        Case("database_lookup_no_health_check", "database-unchecked", "/bench/authenticated/", [bearer], "empty"),
        Case("empty_recycling_every_1000", "recycling", "/bench/empty/", [], "empty"),
    ]
    run_rounds(urls, cases, mode)
    render_.stop_servers()
    return summary(cases)


def remote_group(auth: Render, client: Render, algorithm: str, mode: Mode) -> dict[str, dict[str, Any]]:
    """A client service verifying the auth service's tokens by JWKS, and by asking it on every request."""
    create_user(auth)
    auth_url = auth.serve("auth")
    client.deployment.environment["AUTH_SERVICE_URL"] = auth_url
    client_url = client.serve("client")
    bearer = f"Authorization: Bearer {log_in(auth_url)}"
    cases = [
        Case(f"client_{algorithm}_empty", "client", "/bench/empty/"),
        Case(f"client_{algorithm}_jwks", "client", "/bench/authenticated/", [bearer], f"client_{algorithm}_empty"),
        Case(
            f"client_{algorithm}_verify_per_request",
            "client",
            "/bench/verify-per-request/",
            [bearer],
            f"client_{algorithm}_empty",
        ),
    ]
    run_rounds({"client": client_url}, cases, mode)
    auth.stop_servers()
    client.stop_servers()
    figures = summary(cases)
    jwks, per_request = figures[f"client_{algorithm}_jwks"], figures[f"client_{algorithm}_verify_per_request"]
    jwks["times_verify_per_request"] = round(jwks["rps_median"] / per_request["rps_median"], 2)
    return figures


def login_figures(render_: Render, mode: Mode) -> dict[str, Any]:
    """A password login in one process of the render: hashing, the rest, and its SQL statements."""
    deployment = render_.deployment
    result = run(
        [deployment.bin / "python", "benchmark_login.py", str(mode.logins)],
        cwd=deployment.path,
        environment=deployment.environment,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"The login benchmark failed:\n{describe(result)}")
    return json.loads(lines[-1])


def register_figures(render_: Render, mode: Mode) -> dict[str, Any]:
    """Registrations over HTTP with a Celery worker and an SMTP server that takes 2 s per message."""
    deployment = render_.deployment
    worker = deployment.start(
        "worker", [deployment.bin / "celery", "-A", "config.celery_app", "worker", "--concurrency", "2", "-l", "INFO"]
    )
    try:
        url = render_.serve("register")
        seconds, addresses = [], []
        for number in range(mode.registrations):
            address = f"register-{number}-{secrets.token_hex(3)}@example.com"
            answer = call(
                url,
                "POST",
                "/api/auth/register/",
                {"email": address, "password": PASSWORD},
                {"X-Forwarded-Proto": "https"},
            )
            if answer.status != 201:
                raise SystemExit(f"register answered {answer.status}: {answer.body}")
            seconds.append(answer.seconds)
            addresses.append(address)
        started = time.monotonic()
        for address in addresses:
            deployment.sink.wait_for(address, timeout=30 + SMTP_DELAY_SECONDS * mode.registrations)
        ordered = sorted(seconds)
        return {
            "median_ms": round(statistics.median(ordered) * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
            "registrations": len(ordered),
            "emails_delivered": len(addresses),
            "smtp_delay_s": SMTP_DELAY_SECONDS,
            "seconds_until_every_email_after_the_last_answer": round(time.monotonic() - started, 1),
        }
    finally:
        render_.stop_servers()
        stop(worker)


def render_and_suite_figures(workspace: Path, config: Path) -> dict[str, Any]:
    """Rendering the default answers, and running that project's whole suite in its (cached) virtualenv."""
    started = time.monotonic()
    path = render({}, workspace / "default-suite", config)
    render_seconds = time.monotonic() - started
    started = time.monotonic()
    bin_dir = virtualenv_for(path)
    venv_seconds = time.monotonic() - started
    started = time.monotonic()
    # As the project's `make test` does: its translations compiled first, then the suite.
    compiled = run([bin_dir / "django-admin", "compilemessages"], cwd=path / path.name, environment=clean_environment())
    if compiled.returncode != 0:
        raise SystemExit(f"The default project's translations did not compile:\n{describe(compiled)}")
    result = run([bin_dir / "python", "-m", "pytest", "-q"], cwd=path, environment=clean_environment(), timeout=1200)
    suite_seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"The default project's suite failed:\n{describe(result)}")
    return {
        "render_s": round(render_seconds, 1),
        "venv_s": round(venv_seconds, 1),
        "suite_s": round(suite_seconds, 1),
        "render_and_suite_s": round(render_seconds + suite_seconds, 1),
        "suite_summary": result.stdout.strip().splitlines()[-1],
    }


# --- Targets and report --------------------------------------------------------------------------------------


# (what, where in the results, comparison, limit): the issue's targets, read from one run.
TARGETS: list[tuple[str, tuple[str, ...], str, float]] = [
    ("header JWT stateless / empty view", ("cases", "header_jwt_stateless", "ratio"), ">=", 0.9),
    ("cookie JWT / empty view", ("cases", "cookie_jwt", "ratio"), ">=", 0.9),
    ("database lookup / empty view", ("cases", "database_lookup", "ratio"), ">=", 0.6),
    ("recycling every ~1000 requests / off", ("cases", "empty_recycling_every_1000", "ratio"), ">=", 0.95),
    *(
        target
        for algorithm in ("RS256", "EdDSA")
        for target in (
            (
                f"client service {algorithm}, JWKS / its empty view",
                ("cases", f"client_{algorithm}_jwks", "ratio"),
                ">=",
                0.85,
            ),
            (
                f"client service {algorithm}, JWKS / verify per request",
                ("cases", f"client_{algorithm}_jwks", "times_verify_per_request"),
                ">=",
                4,
            ),
        )
    ),
    ("login beyond hashing, median ms", ("login", "beyond_hashing_median_ms"), "<=", 5),
    ("login SQL statements", ("login", "sql_statements"), "<=", 6),
    ("render + default suite, s", ("render_and_suite", "render_and_suite_s"), "<", 60),
]
COMPARISONS = {">=": float.__ge__, "<=": float.__le__, "<": float.__lt__}


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the figure it is read from and whether this run meets it (of the parts that ran)."""
    checked = []
    for name, keys, sign, limit in TARGETS:
        value: Any = results
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            continue
        met = COMPARISONS[sign](float(value), float(limit))
        checked.append({"target": name, "value": value, "wanted": f"{sign} {limit}", "met": met})
    return checked


def report(results: dict[str, Any]) -> str:
    """The figures as a few tables of text."""
    machine_ = results["machine"]
    lines = [f"Machine: {machine_['cpu']}, {machine_['cpus']} CPUs, {machine_['os']}", f"Mode: {results['mode']}", ""]
    lines.append(f"{'case':<36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}")
    for name, case in results["cases"].items():
        ratio = f"{case['ratio']:.2f}" if "ratio" in case else "1"
        lines.append(
            f"{name:<36} {case['rps_median']:>9.1f} {case['p50_ms_median']:>8.2f} {case['p99_ms_median']:>8.2f} "
            f"{ratio:>7}"
        )
    lines.append("")
    if login := results.get("login"):
        lines.append(
            f"login: {login['login']['median_ms']} ms median, of which hashing {login['hashing']['median_ms']} ms; "
            f"beyond hashing {login['beyond_hashing_median_ms']} ms; {login['sql_statements']} SQL statements"
        )
    if register := results.get("register"):
        lines.append(
            f"register (SMTP {register['smtp_delay_s']} s per message, Celery): {register['median_ms']} ms median, "
            f"p99 {register['p99_ms']} ms; {register['emails_delivered']} emails delivered"
        )
    if suite := results.get("render_and_suite"):
        lines.append(
            f"render {suite['render_s']} s, default suite {suite['suite_s']} s ({suite['suite_summary']}), "
            f"venv {suite['venv_s']} s (cached)"
        )
    lines.append("")
    for target in results["targets"]:
        verdict = "met   " if target["met"] else "MISSED"
        lines.append(f"{verdict} {target['target']}: {target['value']} (wanted {target['wanted']})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few requests per case: that every case runs")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the JSON figures go")
    parser.add_argument(
        "--only", default="suite,standalone,remote", help="comma-separated parts to run: suite, standalone, remote"
    )
    parser.add_argument("--keep", type=Path, help="render into this folder and keep it (logs included)")
    arguments = parser.parse_args()
    mode = QUICK if arguments.quick else FULL
    parts = set(arguments.only.split(","))
    ensure_wrk()
    for service in (POSTGRESQL, REDIS):
        if not service.is_listening():
            raise SystemExit(f"{service.name} is not listening on {service.host}:{service.port}: {service.start_hint}")
    settings = {
        "rounds": mode.rounds,
        "requests_per_case_and_round": mode.requests,
        "connections": CONNECTIONS,
        "web_workers": WEB_WORKERS,
        "cpu_pinning": len(cpus()) >= 2 and shutil.which("taskset") is not None,
    }
    results: dict[str, Any] = {"machine": machine(), "mode": "quick" if arguments.quick else "full"}
    results.update(settings=settings, cases={})
    with ExitStack() as stack:
        if arguments.keep:
            arguments.keep.mkdir(parents=True)
            workspace = arguments.keep
        else:
            workspace = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gatehouse-benchmarks-")))
        config = write_cookiecutter_config(workspace / "cookiecutter")
        sink = stack.enter_context(slow_smtp_sink())
        redis = {name: f"redis://127.0.0.1:6379/{number}" for name, number in REDIS_DATABASES.items()}

        if "suite" in parts:
            print("Rendering and timing the default project's suite", flush=True)
            results["render_and_suite"] = render_and_suite_figures(workspace, config)

        if "standalone" in parts:
            standalone_answers = {"auth_role": "standalone", "token_transport": "both", "database": "postgresql"}
            with rendered(
                "standalone", standalone_answers, workspace, config, sink, REDIS_URL=redis["standalone"]
            ) as standalone:
                print("Standalone: empty view, header and cookie JWT, database lookup, recycling", flush=True)
                results["cases"].update(standalone_group(standalone, mode))
                print("Standalone: login and registration", flush=True)
                results["login"] = login_figures(standalone, mode)
                results["register"] = register_figures(standalone, mode)

        for algorithm in ("RS256", "EdDSA") if "remote" in parts else ():
            print(f"Auth service and client service, {algorithm}", flush=True)
            common = {"signing_algorithm": algorithm, "token_transport": "header", "database": "postgresql"}
            auth_answers = {**common, "auth_role": "auth_service"}
            client_answers = {**common, "auth_role": "client_service"}
            with (
                rendered(
                    f"auth-{algorithm.lower()}", auth_answers, workspace, config, sink, REDIS_URL=redis["auth"]
                ) as auth,
                # The auth service's URL is known once it serves (remote_group); production requires one to start.
                rendered(
                    f"client-{algorithm.lower()}",
                    client_answers,
                    workspace,
                    config,
                    sink,
                    REDIS_URL=redis["client"],
                    AUTH_SERVICE_URL="http://127.0.0.1:9",
                ) as client,
            ):
                results["cases"].update(remote_group(auth, client, algorithm, mode))

    results["targets"] = targets(results)
    arguments.output.write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(report(results))
    print(f"\nFigures written to {arguments.output}")


if __name__ == "__main__":
    main()
