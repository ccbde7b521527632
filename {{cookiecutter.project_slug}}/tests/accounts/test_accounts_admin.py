"""The admin: users found by email and name, actions to activate, deactivate and resend activation; the outbox read-only."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from {{ cookiecutter.project_slug }}.accounts.link_tokens import activation_token_generator
from {{ cookiecutter.project_slug }}.mail.models import OutboxEmail
from {{ cookiecutter.project_slug }}.sessions.service import issue_tokens

from ..factories import UserFactory
from ..sessions.helpers import refresh
from .helpers import activation_params, emails_to

pytestmark = pytest.mark.django_db

User = get_user_model()
CHANGELIST = "admin:users_user_changelist"


@pytest.fixture
def staff_client(client):
    # Names of its own, not Faker's: a random "Adam" would turn up in the search for "Ada".
    admin = UserFactory(
        email="admin@example.com", first_name="Site", last_name="Staff", is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    return client


def run_action(staff_client, action, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return staff_client.post(
            reverse(CHANGELIST), {"action": action, "_selected_action": [str(user.pk) for user in users]}, follow=True
        )


def pending_user(email="pending@example.com"):
    return UserFactory(email=email, is_active=False, activation_pending=True)


def test_users_are_found_by_email_and_name(staff_client):
    UserFactory(email="ada@example.com", first_name="Ada", last_name="Lovelace")
    UserFactory(email="grace@example.com", first_name="Grace", last_name="Hopper")
    for term in ("ada@example", "Lovelace", "Ada"):
        response = staff_client.get(reverse(CHANGELIST), {"q": term})
        assert [user.email for user in response.context["cl"].result_list] == ["ada@example.com"], term


def test_activate_switches_accounts_on(staff_client, django_capture_on_commit_callbacks):
    waiting, deactivated = pending_user(), UserFactory(email="off@example.com", is_active=False)
    run_action(staff_client, "activate_users", [waiting, deactivated], django_capture_on_commit_callbacks)
    for user in (waiting, deactivated):
        user.refresh_from_db()
        assert (user.is_active, user.activation_pending) == (True, False), user.email


def test_deactivate_switches_accounts_off_for_good_and_ends_their_sessions(
    staff_client, api_client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="bob@example.com")
    pair = issue_tokens(user)
    run_action(staff_client, "deactivate_users", [user], django_capture_on_commit_callbacks)
    user.refresh_from_db()
    assert (user.is_active, user.activation_pending) == (False, False)
    response = refresh(api_client, pair.refresh)
    assert response.status_code == 401


def test_resend_activation_email_goes_through_the_outbox_to_waiting_accounts_only(
    staff_client, django_capture_on_commit_callbacks
):
    waiting, active = pending_user(), UserFactory(email="active@example.com")
    response = run_action(
        staff_client, "resend_activation_email", [waiting, active], django_capture_on_commit_callbacks
    )
    assert list(OutboxEmail.objects.values_list("user__email", "kind")) == [("pending@example.com", "activation")]
    assert [message.to for message in mail.outbox] == [["pending@example.com"]]
    assert "Skipped 1 user" in response.content.decode()
    link = activation_params(emails_to("pending@example.com")[0])
    assert activation_token_generator.check_token(waiting, link["token"]), "the email carries a working link"


def test_the_outbox_is_listed_read_only(staff_client):
    row = OutboxEmail.objects.create(kind=OutboxEmail.Kind.ACTIVATION, user=pending_user(), last_error="451 later")
    listing = staff_client.get(reverse("admin:mail_outboxemail_changelist"))
    assert listing.status_code == 200
    assert "pending@example.com" in listing.content.decode()
    detail = staff_client.get(reverse("admin:mail_outboxemail_change", args=[row.pk]))
    assert detail.status_code == 200
    assert "451 later" in detail.content.decode()
    edit = staff_client.post(reverse("admin:mail_outboxemail_change", args=[row.pk]), {"status": "sent"})
    assert edit.status_code == 403
    assert staff_client.get(reverse("admin:mail_outboxemail_add")).status_code == 403
    assert (
        staff_client.post(reverse("admin:mail_outboxemail_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    )
    row.refresh_from_db()
    assert row.status == OutboxEmail.Status.PENDING
