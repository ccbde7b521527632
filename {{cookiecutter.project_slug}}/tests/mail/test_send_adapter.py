"""Every email leaves through the adapter's `send_email()`: a project alters it or sends it another way.

The outbox keeps its mechanism whatever the adapter does: the adapter is called by the
worker for a claimed row, never in the transaction that queued it, and a row it sent
is not sent again.
"""

import pytest
from django.core import mail
from django.db import transaction

from {{ cookiecutter.project_slug }}.authn.adapter import GatehouseAdapter
from {{ cookiecutter.project_slug }}.mail import outbox
from {{ cookiecutter.project_slug }}.mail.models import OutboxEmail
from {{ cookiecutter.project_slug }}.mail.tasks import queue_email

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

Kind = OutboxEmail.Kind
Status = OutboxEmail.Status
# What the adapters below were given, as (kind, the account's pk, subject).
HANDED: list[tuple[str, object, str]] = []


class TaggingAdapter(GatehouseAdapter):
    """Adds a header naming the kind, then sends through Django's email backend."""

    def send_email(self, message, *, kind, user) -> None:
        """Tag `message` with its kind and account, and send it the default way."""
        HANDED.append((kind, user.pk, message.subject))
        message.extra_headers["X-Email-Kind"] = kind
        super().send_email(message, kind=kind, user=user)


class ProviderAdapter(GatehouseAdapter):
    """Sends through a provider's API (here a list) instead of Django's email backend."""

    def send_email(self, message, *, kind, user) -> None:
        """Hand `message` to the provider."""
        HANDED.append((kind, user.pk, message.subject))


@pytest.fixture
def adapter(settings):
    """adapter(cls): name `cls` of this module in GATEHOUSE["ADAPTER"] for the rest of the test."""
    HANDED.clear()

    def name(cls: type) -> None:
        settings.GATEHOUSE = {**settings.GATEHOUSE, "ADAPTER": f"{__name__}.{cls.__name__}"}

    return name


def queue_then_fail(user_id) -> None:
    """Queue an email inside a transaction that then rolls back."""
    with transaction.atomic():
        queue_email(Kind.PASSWORD_CHANGED, user_id)
        raise RuntimeError("the change the email reports failed")


def test_the_adapter_alters_every_email_before_it_leaves(adapter):
    adapter(TaggingAdapter)
    user = UserFactory(email="bob@example.com")
    row = OutboxEmail.objects.create(kind=Kind.ACCOUNT_EXISTS, user=user)
    assert outbox.deliver(row.pk) == Status.SENT
    [sent] = mail.outbox
    assert sent.to == ["bob@example.com"]
    assert sent.extra_headers["X-Email-Kind"] == Kind.ACCOUNT_EXISTS
    handed = [(Kind.ACCOUNT_EXISTS, user.pk, sent.subject)]
    assert handed == HANDED, "the adapter is told the kind and the account"


def test_an_adapter_that_sends_another_way_replaces_the_email_backend(adapter):
    adapter(ProviderAdapter)
    row = OutboxEmail.objects.create(kind=Kind.PASSWORD_CHANGED, user=UserFactory())
    assert outbox.deliver(row.pk) == Status.SENT
    assert mail.outbox == [], "nothing went through EMAIL_BACKEND"
    assert [kind for kind, _user, _subject in HANDED] == [Kind.PASSWORD_CHANGED]


def test_the_adapter_sends_a_row_once_however_often_it_is_delivered(adapter):
    adapter(ProviderAdapter)
    row = OutboxEmail.objects.create(kind=Kind.PASSWORD_CHANGED, user=UserFactory())
    outbox.deliver(row.pk)
    assert outbox.deliver(row.pk) is None
    assert len(HANDED) == 1


def test_an_email_queued_in_a_rolled_back_transaction_never_reaches_the_adapter(
    adapter, django_capture_on_commit_callbacks
):
    adapter(ProviderAdapter)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError, match="failed"):
        queue_then_fail(user.pk)
    assert HANDED == []
    assert not OutboxEmail.objects.exists()


def test_an_email_queued_in_a_committed_transaction_reaches_the_adapter_after_the_commit(
    adapter, django_capture_on_commit_callbacks
):
    adapter(ProviderAdapter)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queue_email(Kind.PASSWORD_CHANGED, user.pk)
        assert HANDED == [], "the adapter is not called inside the transaction that queued the email"
    assert [(kind, pk) for kind, pk, _subject in HANDED] == [(Kind.PASSWORD_CHANGED, user.pk)]
