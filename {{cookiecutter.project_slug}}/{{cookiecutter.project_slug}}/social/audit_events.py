"""The audit log's events of social login: an identity linked, an identity unlinked.

The audit app is in every render and knows no feature app, so this app connects its own
signals to the audit log's `record()`.
"""

from __future__ import annotations

from typing import Any

from ..audit.models import AuthEvent
from ..audit.receivers import record, user_identifier_hash
from .signals import identity_linked, identity_unlinked


def on_identity_linked(sender: Any, request: Any, user: Any, identity: Any, how: str, **kwargs: Any) -> None:
    """An identity now signs in to `user`; `how` says what found the account (a new one, or its email)."""
    record(
        AuthEvent.Kind.IDENTITY_LINKED,
        request,
        user=user,
        identifier_hash=user_identifier_hash(user),
        provider=identity.provider,
        linked_by=how,
    )


def on_identity_unlinked(sender: Any, request: Any, user: Any, identity: Any, **kwargs: Any) -> None:
    """The user removed an identity from their account."""
    record(
        AuthEvent.Kind.IDENTITY_UNLINKED,
        request,
        user=user,
        identifier_hash=user_identifier_hash(user),
        provider=identity.provider,
    )


def connect_receivers() -> None:
    """Connect the receivers above (SocialConfig.ready())."""
    identity_linked.connect(on_identity_linked, dispatch_uid="social.audit.identity_linked")
    identity_unlinked.connect(on_identity_unlinked, dispatch_uid="social.audit.identity_unlinked")
