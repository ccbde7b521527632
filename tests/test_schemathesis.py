"""schemathesis, with all its checks, finds nothing against the OpenAPI schema of a served render.

A default render (header transport) and a cookie render are each served by gunicorn on loopback
(local settings, DEBUG off, SQLite). A user logs in first, so that the authenticated operations are
exercised too: with a Bearer token for the header render, with the auth cookies and the CSRF token
for the cookie render. schemathesis then runs every phase with all its checks against the schema
the render serves, bounded in examples and time, and any finding fails the test with its report.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from harness.deployment import Deployment
from harness.processes import clean_environment, describe, run
from harness.serving import EMAIL, PASSWORD, send, served

pytestmark = pytest.mark.xdist_group("schemathesis")

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
# Bounds for each render: examples per operation and phase, and seconds for the whole run.
MAX_EXAMPLES = 10
MAX_SECONDS = 50
# A fixed seed, so that a finding can be reproduced; the report prints it too.
SEED = 20261203
RUN_TIMEOUT_SECONDS = 240
# 400 codes that no schema can rule out for a schema-valid body: a link or a flow token that the server did not
# issue, a wrong current password, a password that a rule refuses (too common, too similar to the email). An
# operation whose schema lists one may refuse valid data with 400; schemathesis's positive_data_acceptance is
# told so for that operation only (every other check, and every other operation, keeps its defaults).
UNFORESEEABLE_400_CODES = frozenset(
    {
        "activation_link_invalid",
        "password_reset_link_invalid",
        "flow_invalid",
        "flow_expired",
        "too_many_attempts",
        "password_incorrect",
        "password_too_short",
        "password_too_common",
        "password_too_similar",
        "password_entirely_numeric",
        # Second factors: a code the new secret did not give, a confirmation with no setup pending, a passkey
        # answer that does not verify or whose challenge is gone, recovery codes without a factor, and a
        # reauthentication body with both the password and a code (each optional in the schema).
        "code_invalid",
        "totp_setup_required",
        "passkey_invalid",
        "passkey_challenge_expired",
        "second_factor_required",
        "one_answer_required",
    }
)
POSITIVE_DATA_ACCEPTANCE_STATUSES = [
    "2xx",
    "3xx",
    "400",
    "401",
    "403",
    "404",
    "409",
    "429",
    "5xx",
]


def bearer_headers(url: str) -> dict[str, str]:
    """A header render's credentials: the access token of a login, as a Bearer header."""
    status, body, _ = send(
        f"{url}/api/auth/login/password/",
        "POST",
        {"email": EMAIL, "password": PASSWORD},
    )
    assert status == 200, body
    return {"Authorization": f"Bearer {body['access']}"}


def cookie_headers(url: str) -> dict[str, str]:
    """A cookie render's credentials: the auth cookies of a login, the CSRF cookie, and the CSRF header."""
    status, body, cookies = send(f"{url}/api/auth/csrf/", "GET")
    assert status == 200, body
    csrf = {
        "X-CSRFToken": body["csrf"],
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
    }
    status, body, login_cookies = send(
        f"{url}/api/auth/login/password/",
        "POST",
        {"email": EMAIL, "password": PASSWORD},
        csrf,
    )
    assert status == 200, body
    jar = {**cookies, **login_cookies}
    return {
        "X-CSRFToken": csrf["X-CSRFToken"],
        "Cookie": "; ".join(f"{name}={value}" for name, value in jar.items()),
    }


def config_file(url: str, folder: Path) -> Path:
    """A schemathesis config that lets each operation listing an UNFORESEEABLE_400_CODES code refuse valid data
    with 400 (the served schema says which)."""
    status, schema, _ = send(f"{url}/api/schema/?format=json", "GET")
    assert status == 200, schema
    components = schema["components"]["schemas"]
    lines = []
    for path, operations in sorted(schema["paths"].items()):
        for method, operation in operations.items():
            answer = (
                operation["responses"]
                .get("400", {})
                .get("content", {})
                .get("application/json", {})
            )
            name = answer.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            codes = set(components.get(f"{name}Code", {}).get("enum", []))
            if codes & UNFORESEEABLE_400_CODES:
                lines += [
                    "[[operations]]",
                    f"include-path = {json.dumps(path)}",
                    f"include-method = {json.dumps(method.upper())}",
                    f"checks.positive_data_acceptance.expected-statuses = {json.dumps(POSITIVE_DATA_ACCEPTANCE_STATUSES)}",
                    "",
                ]
    assert lines, (
        "no operation lists a 400 code that valid data may get: teach config_file() the schema"
    )
    path = folder / "schemathesis.toml"
    path.write_text("\n".join(lines))
    return path


def run_schemathesis(
    url: str, deployment: Deployment, headers: dict[str, str], reports: Path
) -> None:
    """Run schemathesis with all its checks against the served schema; fail with its report on any finding."""
    command: list[str | Path] = [
        SCHEMATHESIS,
        "--config-file",
        config_file(url, reports),
        "run",
        f"{url}/api/schema/?format=json",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_SECONDS),
        "--seed",
        str(SEED),
        # One worker thread: with two, hypothesis's parsing of its own strategies in both threads at once can hit
        # CPython 3.11's "AST constructor recursion depth mismatch" SystemError (a crash of the tool, not an answer).
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
        # The credentials are sent as given above (a Cookie header for the cookie render): schemathesis must not
        # also generate the security scheme's parameters, or it takes a request it stripped of the cookie for one
        # that has none.
        "--generation-with-security-parameters",
        "false",
        "--report-dir",
        str(reports),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    environment = clean_environment(
        NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost"
    )
    result = run(
        command, cwd=reports, environment=environment, timeout=RUN_TIMEOUT_SECONDS
    )
    assert result.returncode == 0, (
        f"{describe(result)}\n--- gunicorn ---\n{deployment.log('gunicorn')}"
    )
    assert "Failures:" not in result.stdout, describe(result)


def test_schemathesis_finds_nothing_against_a_header_render(
    tmp_path_factory, cookiecutter_config
):
    with served(tmp_path_factory, cookiecutter_config, "schemathesis-header", {}) as (
        url,
        deployment,
    ):
        run_schemathesis(
            url,
            deployment,
            bearer_headers(url),
            tmp_path_factory.mktemp("schemathesis-header-report"),
        )


def test_schemathesis_finds_nothing_against_a_cookie_render(
    tmp_path_factory, cookiecutter_config
):
    answers = {"token_transport": "cookie"}
    with served(
        tmp_path_factory, cookiecutter_config, "schemathesis-cookie", answers
    ) as (url, deployment):
        run_schemathesis(
            url,
            deployment,
            cookie_headers(url),
            tmp_path_factory.mktemp("schemathesis-cookie-report"),
        )
