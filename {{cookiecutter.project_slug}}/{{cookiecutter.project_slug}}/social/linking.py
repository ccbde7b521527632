"""Which account a provider's identity signs in to: the linking rules.

1. The account already linked to the provider's subject: the subject is the one name a
   provider never gives to somebody else.
2. Else the account that has the identity's email, when the provider asserts
   `email_verified` and GATEHOUSE["OIDC_LINK_BY_EMAIL"] allows it (the default): the
   identity is linked to it from then on. An unverified email, or linking by email off,
   finds no account: the sign-in is refused with `email_already_registered`, never a
   second account for an address that has one.
3. Else a new account (active, with an unusable password), when the provider asserts a
   verified email and the adapter's `is_open_for_registration` agrees. Without a verified
   email no account is made: whoever proves the address later (a password reset) would
   find an account that a stranger's provider identity already signs in to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..authn.adapter import get_adapter
from ..authn.conf import gatehouse_settings
from ..authn.errors import AccountInactive, EmailAlreadyRegistered, ProviderEmailMissing, RegistrationClosed
from ..users.managers import EMAIL_MAX_LENGTH, EmailAddressInvalid, normalize_email
from .models import SocialIdentity
from .signals import identity_linked

if TYPE_CHECKING:
    from rest_framework.request import Request

    from ..users.models import User
    from .adapters import ProviderIdentity
    from .providers import Provider

LINKED_BY_EMAIL = "email"
LINKED_TO_NEW_ACCOUNT = "new_account"


def user_for_identity(request: Request, provider: Provider, identity: ProviderIdentity) -> User:
    """The account `identity` signs in to, linking it on its first sign-in; raises when there is none."""
    linked = (
        SocialIdentity.objects.select_related("user").filter(provider=provider.key, subject=identity.subject).first()
    )
    if linked is not None:
        linked.last_login_at = timezone.now()
        linked.email = stored_email(identity)
        linked.save(update_fields=["last_login_at", "email"])
        return linked.user
    if not identity.email:
        raise ProviderEmailMissing()
    try:
        email = normalize_email(identity.email)
    except EmailAddressInvalid:
        raise ProviderEmailMissing() from None
    existing = get_user_model().objects.get_by_email(email)
    if existing is not None:
        if not (identity.email_verified and gatehouse_settings.OIDC_LINK_BY_EMAIL):
            raise EmailAlreadyRegistered()
        if not existing.is_active:
            # Linking would outlive the refusal: an inactive account gets no new way in.
            raise AccountInactive()
        return link(request, existing, provider, identity, how=LINKED_BY_EMAIL)
    if not identity.email_verified:
        raise ProviderEmailMissing()
    if not get_adapter().is_open_for_registration(request, email):
        raise RegistrationClosed()
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                email, None, first_name=identity.first_name, last_name=identity.last_name
            )
            return link(request, user, provider, identity, how=LINKED_TO_NEW_ACCOUNT)
    except IntegrityError:
        # A concurrent sign-in or registration took the address (or the subject) first.
        raise EmailAlreadyRegistered() from None


def link(request: Request, user: User, provider: Provider, identity: ProviderIdentity, *, how: str) -> User:
    """Link `identity` to `user`, and say so (`identity_linked`, the audit log)."""
    now = timezone.now()
    linked = SocialIdentity.objects.create(
        user=user,
        provider=provider.key,
        subject=identity.subject,
        email=stored_email(identity),
        created_at=now,
        last_login_at=now,
    )
    identity_linked.send(sender=SocialIdentity, request=request, user=user, identity=linked, how=how)
    return user


def stored_email(identity: ProviderIdentity) -> str:
    """The address the provider gave, as the identity shows it ("" for one longer than an address can be)."""
    return identity.email if len(identity.email) <= EMAIL_MAX_LENGTH else ""
