"""`GET identities/` and `DELETE identities/<id>/`: the user's linked identities, and unlinking one."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.social.models import SocialIdentity

from ..factories import UserFactory
from ..sessions.transport_client import age_the_login
from .conftest import REAUTHENTICATION_MAX_AGE, SocialIdentityFactory

pytestmark = pytest.mark.django_db

IDENTITIES_URL = "/api/auth/identities/"
EXPORT_URL = "/api/auth/me/export/"


def identity_url(identity_id) -> str:
    return f"{IDENTITIES_URL}{identity_id}/"


def codes(response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def test_the_list_holds_the_user_s_identities_only_oldest_first(log_in):
    user = UserFactory()
    first = SocialIdentityFactory(user=user)
    second = SocialIdentityFactory(user=user, provider="oidc", subject="another")
    SocialIdentityFactory()
    response = log_in(user).get(IDENTITIES_URL)
    assert response.status_code == 200
    listed = response.json()["identities"]
    assert [identity["id"] for identity in listed] == [str(first.pk), str(second.pk)]
    assert listed[0]["provider_name"] == "Example"
    assert set(listed[0]) == {"id", "provider", "provider_name", "subject", "email", "created_at", "last_login_at"}


def test_the_list_needs_authentication(client, providers):
    response = client.get(IDENTITIES_URL)
    assert response.status_code == 401


def test_an_identity_is_unlinked_when_the_account_keeps_its_password(log_in):
    identity = SocialIdentityFactory()
    response = log_in(identity.user).delete(identity_url(identity.pk))
    assert response.status_code == 204, response.content
    assert not SocialIdentity.objects.filter(pk=identity.pk).exists()
    event = AuthEvent.objects.get(kind=AuthEvent.Kind.IDENTITY_UNLINKED)
    assert (event.user, event.extra) == (identity.user, {"provider": "example"})


def test_an_identity_is_unlinked_when_another_one_remains(log_in):
    identity = SocialIdentityFactory()
    SocialIdentityFactory(user=identity.user, provider="oidc")
    client = log_in(identity.user)
    identity.user.set_unusable_password()
    identity.user.save()
    assert client.delete(identity_url(identity.pk)).status_code == 204


def test_the_only_way_in_is_not_unlinked(log_in):
    identity = SocialIdentityFactory()
    client = log_in(identity.user)
    # The password the test logged in with is gone now: the identity is the account's only way in.
    identity.user.set_unusable_password()
    identity.user.save()
    response = client.delete(identity_url(identity.pk))
    assert response.status_code == 409
    assert codes(response) == ["last_login_method"]
    assert SocialIdentity.objects.filter(pk=identity.pk).exists()


def test_unlinking_needs_a_recent_authentication(log_in):
    identity = SocialIdentityFactory()
    client = log_in(identity.user)
    age_the_login(client, identity.user, REAUTHENTICATION_MAX_AGE + timedelta(minutes=1))
    response = client.delete(identity_url(identity.pk))
    assert response.status_code == 401
    assert codes(response) == ["reauthentication_required"]
    assert SocialIdentity.objects.filter(pk=identity.pk).exists()


def test_another_user_s_identity_is_not_found(log_in):
    theirs = SocialIdentityFactory()
    response = log_in(UserFactory()).delete(identity_url(theirs.pk))
    assert response.status_code == 404
    assert codes(response) == ["identity_not_found"]
    assert SocialIdentity.objects.filter(pk=theirs.pk).exists()


def test_an_unknown_identity_is_not_found(log_in):
    response = log_in(UserFactory()).delete(identity_url(uuid.uuid4()))
    assert response.status_code == 404
    assert codes(response) == ["identity_not_found"]


def test_the_account_export_holds_the_identities(log_in):
    identity = SocialIdentityFactory()
    response = log_in(identity.user).get(EXPORT_URL)
    assert response.status_code == 200, response.content
    exported = response.json()["identities"]
    assert exported == [
        {
            "provider": "example",
            "subject": identity.subject,
            "email": identity.email,
            "created_at": identity.created_at.isoformat(),
            "last_login_at": None,
        }
    ]
