"""The linking rules: which account a provider's identity signs in to (social/linking.py).

The identities are given as the adapter hands them over after verifying the provider's answer;
the whole sign-in, provider included, is the template's tests' (tests/test_social_login.py).
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIRequestFactory

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.authn.adapter import GatehouseAdapter
from {{ cookiecutter.project_slug }}.authn.errors import (
    AccountInactive,
    EmailAlreadyRegistered,
    ProviderEmailMissing,
    RegistrationClosed,
)
from {{ cookiecutter.project_slug }}.social.adapters import ProviderIdentity
from {{ cookiecutter.project_slug }}.social.linking import user_for_identity
from {{ cookiecutter.project_slug }}.social.models import SocialIdentity
from {{ cookiecutter.project_slug }}.social.providers import get_provider

from ..factories import UserFactory
from .conftest import SocialIdentityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("providers")]


class ClosedAdapter(GatehouseAdapter):
    """Registration is closed to everybody."""

    def is_open_for_registration(self, request, email):
        return False


def sign_in(identity: ProviderIdentity):
    return user_for_identity(APIRequestFactory().post("/"), get_provider("example"), identity)


def verified(email: str, subject: str = "subject-1") -> ProviderIdentity:
    return ProviderIdentity(subject=subject, email=email, email_verified=True, first_name="Ada", last_name="Lovelace")


def test_the_linked_subject_finds_its_account_whatever_the_email_says():
    linked = SocialIdentityFactory(subject="subject-1")
    other = UserFactory(email="other@example.com")
    assert sign_in(verified("other@example.com")) == linked.user
    assert other.social_identities.count() == 0
    linked.refresh_from_db()
    assert linked.email == "other@example.com", "the identity shows what the provider said last"
    assert linked.last_login_at is not None


def test_a_new_verified_email_gets_a_new_active_account_without_a_password():
    user = sign_in(verified("Ada@Example.com"))
    assert user.email == "ada@example.com"
    assert (user.is_active, user.has_usable_password()) == (True, False)
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert SocialIdentity.objects.get(user=user).subject == "subject-1"
    event = AuthEvent.objects.get(kind=AuthEvent.Kind.IDENTITY_LINKED)
    assert event.extra == {"provider": "example", "linked_by": "new_account"}


def test_a_verified_email_links_the_account_that_has_it():
    existing = UserFactory(email="ada@example.com")
    assert sign_in(verified("ADA@example.com")) == existing
    assert existing.social_identities.get().provider == "example"


def test_linking_by_email_can_be_turned_off(settings):
    UserFactory(email="ada@example.com")
    settings.GATEHOUSE = {**settings.GATEHOUSE, "OIDC_LINK_BY_EMAIL": False}
    with pytest.raises(EmailAlreadyRegistered):
        sign_in(verified("ada@example.com"))
    assert not SocialIdentity.objects.exists()


def test_an_unverified_email_never_links_nor_makes_a_second_account():
    UserFactory(email="ada@example.com")
    with pytest.raises(EmailAlreadyRegistered):
        sign_in(ProviderIdentity(subject="subject-1", email="ada@example.com", email_verified=False))


def test_an_unverified_or_missing_email_makes_no_account():
    for identity in (
        ProviderIdentity(subject="subject-1", email="new@example.com", email_verified=False),
        ProviderIdentity(subject="subject-1"),
        ProviderIdentity(subject="subject-1", email="not an address", email_verified=True),
    ):
        with pytest.raises(ProviderEmailMissing):
            sign_in(identity)
    assert not SocialIdentity.objects.exists()


def test_an_inactive_account_gets_no_new_way_in():
    UserFactory(email="ada@example.com", is_active=False)
    with pytest.raises(AccountInactive):
        sign_in(verified("ada@example.com"))
    assert not SocialIdentity.objects.exists()


def test_the_adapter_decides_whether_a_provider_makes_accounts(settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "ADAPTER": f"{__name__}.ClosedAdapter"}
    with pytest.raises(RegistrationClosed):
        sign_in(verified("ada@example.com"))
