"""The user admin's action "Remove every second factor": for a user who lost them all, audited and emailed."""

import pytest
from django.core import mail
from django.urls import reverse

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.mfa.models import Passkey, RecoveryCode, TOTPDevice

from ..factories import UserFactory
from .helpers import give_totp

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:users_user_changelist"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_action_removes_every_factor_and_recovery_code_and_tells_the_user(
    staff_client, django_capture_on_commit_callbacks
):
    user, bystander = UserFactory(), UserFactory()
    give_totp(user)
    give_totp(bystander)
    Passkey.objects.create(user=user, name="Lost phone", credential_id=b"lost", public_key=b"key")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse(CHANGELIST),
            {"action": "remove_second_factors", "_selected_action": [str(user.pk)]},
            follow=True,
            REMOTE_ADDR="203.0.113.7",
        )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not Passkey.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert TOTPDevice.objects.filter(user=bystander).exists(), "only the selected users lose their factors"
    event = AuthEvent.objects.get(user=user, kind=AuthEvent.Kind.SECOND_FACTOR_REMOVED)
    assert event.extra == {"factor": "all"}
    assert event.client_ip == "203.0.113.7", "the audit log records where the operator acted from"
    assert [message.to for message in mail.outbox if "removed" in message.subject] == [[user.email]]


def test_the_admin_shows_no_secret_of_a_second_factor(staff_client):
    user = UserFactory()
    give_totp(user)
    page = staff_client.get(reverse("admin:users_user_change", args=[user.pk])).content.decode()
    assert "encrypted_secret" not in page
    assert "code_hash" not in page
