"""The identities linked to an account: listing, unlinking, and their part of the account export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import transaction

from ..authn.errors import IdentityNotFound, LastLoginMethod
from .models import SocialIdentity

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ..users.models import User


def identities_of(user: User) -> QuerySet[SocialIdentity]:
    """The identities linked to `user`, oldest first."""
    return SocialIdentity.objects.filter(user=user).order_by("created_at")


def unlink_identity(user: User, identity_id: UUID) -> SocialIdentity:
    """Remove one identity of `user`; refused when it is the account's only way in.

    The account keeps a way in when it has a usable password or another identity. The
    user's row is locked first, so that two unlinks at once cannot each see the other
    identity and leave none.
    """
    with transaction.atomic():
        locked = type(user)._default_manager.select_for_update().get(pk=user.pk)
        identities = list(identities_of(locked))
        identity = next((candidate for candidate in identities if candidate.pk == identity_id), None)
        if identity is None:
            raise IdentityNotFound()
        if len(identities) == 1 and not locked.has_usable_password():
            raise LastLoginMethod()
        identity.delete()
    return identity


def exported_identities(user: User) -> list[dict[str, Any]]:
    """The identities of `user`, for the personal data export."""
    return [
        {
            "provider": identity.provider,
            "subject": identity.subject,
            "email": identity.email,
            "created_at": identity.created_at.isoformat(),
            "last_login_at": identity.last_login_at.isoformat() if identity.last_login_at else None,
        }
        for identity in identities_of(user)
    ]
