"""The email outbox: written with the change it reports, delivered once, never lost.

Tasks run inline here (the test settings); the template's own tests run the same
paths with a real broker, worker and SMTP server (tests/test_email_delivery.py).
"""

import smtplib
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from {{ cookiecutter.project_slug }}.authn.adapter import GatehouseAdapter
from {{ cookiecutter.project_slug }}.mail import outbox, tasks
from {{ cookiecutter.project_slug }}.mail.models import OutboxEmail

from config.celery_app import app

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "sturdy lantern orchard"
Status = OutboxEmail.Status


class FlakySender:
    """A way of sending that raises `error` for its first `failures` calls, then sends."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    def __call__(self, message) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        message.send()


@pytest.fixture
def as_a_worker(monkeypatch):
    """Run tasks inline as a worker would: a failure is retried (at once), never raised to the caller."""
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


class FlakyAdapter(GatehouseAdapter):
    """An adapter that sends through `flaky`, the FlakySender that the `sender` fixture installed."""

    flaky: FlakySender

    def send_email(self, message, *, kind, user) -> None:
        self.flaky(message)


@pytest.fixture
def sender(settings, monkeypatch):
    """Send through a FlakySender (GATEHOUSE["ADAPTER"] is FlakyAdapter); returns a function that configures it."""

    def install(failures: int, error: Exception) -> FlakySender:
        flaky = FlakySender(failures, error)
        monkeypatch.setattr(FlakyAdapter, "flaky", flaky, raising=False)
        settings.GATEHOUSE = {**settings.GATEHOUSE, "ADAPTER": "tests.mail.test_outbox.FlakyAdapter"}
        return flaky

    return install


def pending_row(kind=OutboxEmail.Kind.ACCOUNT_EXISTS, **fields):
    user = fields.pop("user", None) or UserFactory(email="bob@example.com")
    return OutboxEmail.objects.create(kind=kind, user=user, **fields)


def test_a_row_is_sent_once_however_often_it_is_delivered():
    row = pending_row()
    assert outbox.deliver(row.pk) == Status.SENT
    assert outbox.deliver(row.pk) is None
    tasks.deliver_outbox_email.delay(row.pk)
    assert len(mail.outbox) == 1


def test_a_row_that_another_worker_is_sending_is_not_sent_again():
    row = pending_row()
    assert outbox.claim(row.pk) is not None
    assert outbox.deliver(row.pk) is None
    assert mail.outbox == []


def test_a_temporary_smtp_failure_is_retried_and_one_email_is_delivered(sender, as_a_worker):
    flaky = sender(2, smtplib.SMTPDataError(451, b"Try again later"))
    row = pending_row()
    tasks.deliver_outbox_email.delay(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts, flaky.calls) == (Status.SENT, 3, 3)
    assert len(mail.outbox) == 1


def test_a_permanent_refusal_discards_the_row_without_retrying(sender):
    flaky = sender(10, smtplib.SMTPRecipientsRefused({"bob@example.com": (550, b"No such user")}))
    row = pending_row()
    tasks.deliver_outbox_email.apply(args=(row.pk,), throw=False)
    row.refresh_from_db()
    assert (row.status, flaky.calls) == (Status.DISCARDED, 1)
    assert "550" in row.last_error


def test_after_the_task_gives_up_the_row_waits_for_the_drain_with_a_growing_delay(sender, as_a_worker):
    sender(100, smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    row = pending_row()
    result = tasks.deliver_outbox_email.delay(row.pk)
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.attempts == tasks.deliver_outbox_email.max_retries + 1
    assert row.next_attempt_at > timezone.now() + outbox.gatehouse_settings.OUTBOX_RETRY_DELAY
    assert "SMTPServerDisconnected" in row.last_error


def test_the_drain_queues_due_rows_and_leaves_others(django_capture_on_commit_callbacks):
    due = pending_row(next_attempt_at=timezone.now() - timedelta(seconds=1))
    later = pending_row(
        user=UserFactory(email="later@example.com"), next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.drain() == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (Status.SENT, Status.PENDING)


def test_the_drain_takes_back_a_row_whose_worker_died_mid_send(django_capture_on_commit_callbacks):
    row = pending_row()
    outbox.claim(row.pk)
    OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.drain()
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert len(mail.outbox) == 1


def test_the_drain_gives_up_after_the_maximum_attempts(settings):
    row = pending_row(attempts=10, next_attempt_at=timezone.now() - timedelta(seconds=1))
    settings.GATEHOUSE = {**settings.GATEHOUSE, "OUTBOX_MAX_ATTEMPTS": 10}
    assert tasks.drain() == 0
    row.refresh_from_db()
    assert row.status == Status.DISCARDED
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        (OutboxEmail.Kind.ACTIVATION, {"is_active": True}),
        (OutboxEmail.Kind.ACTIVATION, {"is_active": False, "activation_pending": False}),
        (OutboxEmail.Kind.PASSWORD_RESET, {"is_active": False}),
    ],
)
def test_an_email_that_no_longer_applies_to_its_account_is_discarded(kind, state):
    row = pending_row(kind=kind, user=UserFactory(**state))
    assert outbox.deliver(row.pk) == Status.DISCARDED
    assert mail.outbox == []


def test_a_row_without_an_account_is_discarded_unsent():
    row = OutboxEmail.objects.create(kind=OutboxEmail.Kind.PASSWORD_RESET, user=None)
    assert outbox.deliver(row.pk) == Status.DISCARDED
    assert mail.outbox == []


def test_a_reset_link_that_could_not_be_sent_in_time_is_discarded():
    row = pending_row(kind=OutboxEmail.Kind.PASSWORD_RESET, created_at=timezone.now() - timedelta(hours=2))
    assert outbox.deliver(row.pk) == Status.DISCARDED
    assert mail.outbox == []


def test_purge_deletes_finished_rows_past_the_retention_only():
    old = timezone.now() - timedelta(days=30)
    user = UserFactory()
    pending_row(user=user, status=Status.SENT, created_at=old)
    pending_row(user=user, status=Status.DISCARDED, created_at=old)
    kept = [pending_row(user=user, status=Status.PENDING, created_at=old), pending_row(user=user, status=Status.SENT)]
    tasks.purge_outbox.delay()
    assert set(OutboxEmail.objects.values_list("pk", flat=True)) == {row.pk for row in kept}


def test_the_outbox_tasks_are_on_the_beat_schedule():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {tasks.drain_outbox.name, tasks.purge_outbox.name} <= scheduled


def test_the_retry_backoff_stays_below_the_redis_visibility_timeout():
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    assert tasks.deliver_outbox_email.retry_backoff_max < visibility_timeout


def test_the_send_timeout_outlasts_the_task_time_limit():
    assert outbox.gatehouse_settings.OUTBOX_SEND_TIMEOUT.total_seconds() > settings.CELERY_TASK_TIME_LIMIT
