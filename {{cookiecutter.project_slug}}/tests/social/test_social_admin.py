"""The admin's linked identities: staff find them by address or subject, cannot make one up, and can unlink one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from {{ cookiecutter.project_slug }}.social.models import SocialIdentity

from ..factories import UserFactory
from .conftest import SocialIdentityFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:social_socialidentity_changelist"


@pytest.fixture
def staff_client() -> Client:
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def test_staff_find_an_identity_by_the_account_s_email_or_its_subject(staff_client):
    wanted = SocialIdentityFactory(user=UserFactory(email="ada@example.com"), subject="ada-at-the-provider")
    SocialIdentityFactory(user=UserFactory(email="grace@example.com"))
    for query in ("ada@example.com", "ada-at-the-provider"):
        response = staff_client.get(reverse(CHANGELIST), {"q": query})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [wanted], query


def test_staff_cannot_add_or_change_an_identity(staff_client):
    identity = SocialIdentityFactory()
    assert staff_client.get(reverse("admin:social_socialidentity_add")).status_code == 403
    change_url = reverse("admin:social_socialidentity_change", args=[identity.pk])
    staff_client.post(change_url, {"subject": "someone-else"})
    identity.refresh_from_db()
    assert identity.subject != "someone-else"


def test_staff_can_unlink_an_identity(staff_client):
    identity = SocialIdentityFactory()
    response = staff_client.post(reverse("admin:social_socialidentity_delete", args=[identity.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not SocialIdentity.objects.filter(pk=identity.pk).exists()
