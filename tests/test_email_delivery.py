"""Account emails over real services: gunicorn, a Celery worker on Redis, and an SMTP server (aiosmtpd).

One render of the default answers is served by gunicorn with its Celery worker, both
configured as a deployment would be (CELERY_BROKER_URL, EMAIL_HOST, ...), and its
emails land in an SMTP sink inside this process. The tests walk the account flows
end to end (register, read the email, activate, log in; reset, confirm, and the old
refresh tokens are refused; change the email by its link, then delete the account and
read the goodbye), then break things: the broker is unreachable during a
registration, and the mail server refuses twice before it accepts.

Redis must listen on 127.0.0.1:6379; the tests use databases 9 (broker) and 10 (cache).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness.deployment import (
    Answer,
    Deployment,
    bearer,
    call,
    link_query,
    local_deployment,
    post,
    stop,
    wait_until_serving,
)
from harness.processes import describe, run
from harness.smtp_sink import SmtpSink, free_loopback_port

# Everything here shares one render, its venv and its processes: one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("email-delivery")

BROKER_URL = "redis://127.0.0.1:6379/9"
CACHE_URL = "redis://127.0.0.1:6379/10"
FRONTEND_URL = "https://frontend.example.org"
PASSWORD = "sturdy lantern orchard"
NEW_PASSWORD = "brand new sturdy lantern"


def link_params(message_text: str, path: str) -> dict[str, str]:
    """`uid` and `token` of the link to FRONTEND_URL + `path` in an email's text."""
    return link_query(message_text, f"{FRONTEND_URL}{path}")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[Deployment]:
    """The default answers rendered and migrated, with a Redis broker and an SMTP sink, for this module."""
    with local_deployment(
        tmp_path_factory,
        cookiecutter_config,
        "email-delivery",
        redis_urls=(BROKER_URL, CACHE_URL),
        REDIS_URL=CACHE_URL,
        CELERY_BROKER_URL=BROKER_URL,
        FRONTEND_URL=FRONTEND_URL,
    ) as deployment:
        yield deployment


@pytest.fixture(scope="module")
def worker(deployment: Deployment) -> Iterator[subprocess.Popen]:
    """A Celery worker of the deployment, one process, consuming the broker's default queue."""
    process = deployment.start(
        "worker", [deployment.bin / "celery", "-A", "config.celery_app", "worker", "--pool", "solo", "-l", "INFO"]
    )
    yield process
    stop(process)


def serve(deployment: Deployment, name: str, **overrides: str) -> tuple[str, subprocess.Popen]:
    """Start gunicorn on a free loopback port with the deployment's environment (plus `overrides`)."""
    port = free_loopback_port()
    process = deployment.start(
        name,
        [deployment.bin / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        **overrides,
    )
    base_url = f"http://127.0.0.1:{port}"
    wait_until_serving(base_url, process, deployment, name)
    return base_url, process


@pytest.fixture(scope="module")
def server(deployment: Deployment, worker: subprocess.Popen) -> Iterator[str]:
    """The base URL of gunicorn serving the deployment (its worker running)."""
    base_url, process = serve(deployment, "gunicorn")
    yield base_url
    stop(process)


def register_and_activate(server: str, sink: SmtpSink, email: str) -> None:
    """Register `email`, read the activation email from the sink, and activate the account."""
    assert post(server, "/api/auth/register/", {"email": email, "password": PASSWORD}).status == 201
    (message,) = sink.wait_for(email)
    answer = post(server, "/api/auth/register/activate/", link_params(message.text, "/activate"))
    assert answer.status == 200, answer


def log_in(server: str, email: str, password: str) -> Answer:
    return post(server, "/api/auth/login/password/", {"email": email, "password": password})


def test_register_read_the_email_activate_and_log_in(server: str, deployment: Deployment):
    answer = post(server, "/api/auth/register/", {"email": "ada@example.com", "password": PASSWORD})
    assert (answer.status, answer.body) == (201, {})
    assert log_in(server, "ada@example.com", PASSWORD).body["errors"][0]["code"] == "account_inactive"

    (message,) = deployment.sink.wait_for("ada@example.com")
    assert message.message["To"] == "ada@example.com"
    activated = post(server, "/api/auth/register/activate/", link_params(message.text, "/activate"))
    assert (activated.status, activated.body) == (200, {}), deployment.log("gunicorn")

    login = log_in(server, "ada@example.com", PASSWORD)
    assert login.status == 200, login
    assert login.body["status"] == "complete"
    assert login.body["access"]
    assert login.body["refresh"]


def test_reset_read_the_email_confirm_and_the_old_refresh_tokens_are_refused(server: str, deployment: Deployment):
    register_and_activate(server, deployment.sink, "grace@example.com")
    old_sessions = [log_in(server, "grace@example.com", PASSWORD).body["refresh"] for _ in range(2)]

    assert post(server, "/api/auth/password/reset/", {"email": "grace@example.com"}).body == {}
    (_activation, reset) = deployment.sink.wait_for("grace@example.com", count=2)
    params = link_params(reset.text, "/reset-password")
    confirmed = post(server, "/api/auth/password/reset/confirm/", {**params, "password": NEW_PASSWORD})
    assert (confirmed.status, confirmed.body) == (200, {}), "a reset answers {} and logs nobody in"

    for refresh in old_sessions:
        refused = post(server, "/api/auth/token/refresh/", {"refresh": refresh})
        assert refused.status == 401
        assert refused.body["errors"][0]["code"] == "token_not_valid"
    assert log_in(server, "grace@example.com", NEW_PASSWORD).status == 200
    assert log_in(server, "grace@example.com", PASSWORD).status == 401
    notice = deployment.sink.wait_for("grace@example.com", count=3)[-1]
    assert "changed" in notice.message["Subject"]


def test_an_email_change_by_its_link_then_the_accounts_deletion_and_its_goodbye(server: str, deployment: Deployment):
    sink = deployment.sink
    register_and_activate(server, sink, "hedy@example.com")
    access = log_in(server, "hedy@example.com", PASSWORD).body["access"]
    asked = call(
        server, "POST", "/api/auth/email/change/", {"new_email": "hedy@lamarr.example"}, headers=bearer(access)
    )
    assert (asked.status, asked.body) == (200, {}), deployment.log("gunicorn")
    (confirmation,) = sink.wait_for("hedy@lamarr.example")
    notice = sink.wait_for("hedy@example.com", count=2)[-1]
    assert "hedy@lamarr.example" in notice.text, "the current address hears of the change"
    confirmed = post(server, "/api/auth/email/change/confirm/", link_params(confirmation.text, "/confirm-email"))
    assert (confirmed.status, confirmed.body) == (200, {}), confirmed

    access = log_in(server, "hedy@lamarr.example", PASSWORD).body["access"]
    deleted = call(server, "POST", "/api/auth/me/delete/", {"password": PASSWORD}, headers=bearer(access))
    assert deleted.status == 204, deleted
    goodbye = sink.wait_for("hedy@lamarr.example", count=2)[-1]
    assert "deleted" in goodbye.message["Subject"]
    assert log_in(server, "hedy@lamarr.example", PASSWORD).status == 401


def test_with_the_broker_unreachable_registration_answers_201_fast_and_the_email_arrives_later(
    server: str, deployment: Deployment
):
    closed_port = free_loopback_port()
    cut_off, process = serve(deployment, "gunicorn-no-broker", CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port}/9")
    try:
        answer = post(cut_off, "/api/auth/register/", {"email": "offline@example.com", "password": PASSWORD})
    finally:
        stop(process)
    assert (answer.status, answer.body) == (201, {}), deployment.log("gunicorn-no-broker")
    assert answer.seconds < 5, f"registration took {answer.seconds:.1f}s with the broker down"
    state = deployment.shell(
        f"from {deployment.slug}.mail.models import OutboxEmail as O; "
        "r = O.objects.get(user__email='offline@example.com'); print(r.status, r.user.is_active)"
    )
    assert state == "pending False", "the user exists, inactive, with its email waiting in the outbox"
    time.sleep(2)
    assert deployment.sink.messages_to("offline@example.com") == []

    # The broker is back (the worker's): the periodic drain, as beat would queue it, sends the email.
    result = run(
        [deployment.bin / "celery", "-A", "config.celery_app", "call", f"{deployment.slug}.mail.tasks.drain_outbox"],
        cwd=deployment.path,
        environment=deployment.environment,
    )
    assert result.returncode == 0, describe(result)
    (message,) = deployment.sink.wait_for("offline@example.com")
    assert post(server, "/api/auth/register/activate/", link_params(message.text, "/activate")).status == 200


def test_when_the_mail_server_refuses_twice_exactly_one_email_is_delivered(server: str, deployment: Deployment):
    deployment.sink.refuse_next(2)
    assert post(server, "/api/auth/register/", {"email": "busy@example.com", "password": PASSWORD}).status == 201
    deployment.sink.wait_for("busy@example.com")
    # Long enough for a wrongly repeated delivery (the next retry would come within ~8s) to show up.
    time.sleep(10)
    assert len(deployment.sink.messages_to("busy@example.com")) == 1
    assert deployment.sink.attempts_to("busy@example.com") == 3, "two refusals, then one accepted delivery"
    state = deployment.shell(
        f"from {deployment.slug}.mail.models import OutboxEmail as O; "
        "r = O.objects.get(user__email='busy@example.com'); print(r.status, r.attempts)"
    )
    assert state == "sent 3"
