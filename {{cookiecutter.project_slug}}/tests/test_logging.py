"""Logs are one JSON object per line that user input cannot break; Sentry reports carry no credentials."""

import json
import logging
import os
import subprocess
import sys
from datetime import datetime

import pytest

from .test_settings import PRODUCTION_ENVIRONMENT, PROJECT_DIR

logger = logging.getLogger("{{ cookiecutter.project_slug }}.tests")


def logged_records(console_log) -> list[dict]:
    return [json.loads(line) for line in console_log.getvalue().splitlines()]


def test_a_record_is_one_json_object_with_time_level_logger_and_message(console_log):
    logger.warning("Something to look at")
    [record] = logged_records(console_log)
    assert record["level"] == "WARNING"
    assert record["logger"] == "{{ cookiecutter.project_slug }}.tests"
    assert record["message"] == "Something to look at"
    assert record["request_id"] is None
    assert datetime.fromisoformat(record["time"]).utcoffset().total_seconds() == 0


@pytest.mark.parametrize("separator", ["\n", "\r", "\r\n", "\u2028", "\u0085"])
def test_user_input_cannot_forge_a_log_line(console_log, separator):
    forged = "alice@example.com" + separator + '{"level": "INFO", "message": "Login succeeded", "logger": "authn"}'
    logger.warning("Login failed for %s", forged)
    lines = console_log.getvalue().splitlines()
    assert len(lines) == 1, "a line break in user input must not start a new log line"
    assert json.loads(lines[0])["message"] == f"Login failed for {forged}"


def test_a_traceback_stays_inside_its_record(console_log):
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("It failed")
    [record] = logged_records(console_log)
    assert "Traceback" in record["exc_info"]
    assert "ValueError: boom" in record["exc_info"]


def test_extra_fields_become_json_fields(console_log):
    logger.info("Sent", extra={"recipients": 2})
    [record] = logged_records(console_log)
    assert record["recipients"] == 2


def test_the_query_string_of_a_request_is_not_logged(client, console_log):
    # Activation and password-reset links carry their tokens in the query string.
    client.get("/no-such-page/", {"token": "a-secret-token"})
    output = console_log.getvalue()
    assert "Not Found: /no-such-page/" in output
    assert "a-secret-token" not in output


def run_in_production(code: str, **extra_environment: str) -> subprocess.CompletedProcess:
    inherited = {name: value for name, value in os.environ.items() if name in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "-"],
        input=f"import django; django.setup(); {code}",
        cwd=PROJECT_DIR,
        env={**inherited, **PRODUCTION_ENVIRONMENT, **extra_environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sentry_stays_off_without_a_dsn():
    result = run_in_production("import sentry_sdk; print(sentry_sdk.is_initialized())")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_sentry_reports_leave_out_personal_data_request_bodies_and_local_variables():
    code = (
        "import json, sentry_sdk; options = sentry_sdk.get_client().options; "
        "print(json.dumps({name: options[name] for name in "
        "('send_default_pii', 'max_request_body_size', 'include_local_variables', 'environment')}), "
        "options['before_send'].__name__)"
    )
    # Initialising the SDK sends nothing: no Sentry server is needed.
    result = run_in_production(code, SENTRY_DSN="https://public-key@127.0.0.1/1")
    assert result.returncode == 0, result.stderr
    options, before_send = result.stdout.strip().rsplit(" ", 1)
    assert json.loads(options) == {
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
        "environment": "production",
    }
    assert before_send == "add_request_id_to_sentry_event"
