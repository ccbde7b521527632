"""The local copy of an auth-service user, created and kept up to date from access-token claims.

The copy has the auth service's user id as its primary key, so that rows here and
there name the same person by the same UUID. It is written only when the claims
differ from what it holds; it is read only when a request needs it (remote/copy_user.py):
a request whose token says nothing new costs no query at all within a check interval.
Passwords never reach this service: a copy's password is unusable. The email is
copied as the claim carries it: the auth service's stored address, already in its
canonical form (users/managers.py), and never looked up here.

The auth service holds one account per address, and a token is signed now, so a
claimed email that another copy here still holds is stale in that copy: its user
changed address or was deleted there, and has not been seen here since. The stale
copy gives the address up (it gets a placeholder under the reserved `.invalid`
domain, RFC 2606) and takes its real one back from its own next token.

A name changed through this service's `me/` (remote/me.py) is the auth service's
answer, newer than the access token the browser still holds: for the lifetime of an
access token, a token issued before that answer does not write back the fields it set.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Set
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework_simplejwt.settings import api_settings

from ..authn.claims import USER_COPY_CLAIMS
from ..authn.conf import gatehouse_settings
from ..authn.errors import TokenNotValid
from ..authn.tokens import access_token_reach

if TYPE_CHECKING:
    from django.db.models import Field

    from ..users.models import User

logger = logging.getLogger(__name__)

# Per user: when the auth service last answered with their fields here, and which (remote/me.py).
UPDATED_BY_AUTH_SERVICE_CACHE_PREFIX = "remote:updated-by-auth-service:"

# The type each copied claim must have; a claim of another type is ignored.
CLAIM_TYPES: dict[str, type] = {
    "email": str,
    "first_name": str,
    "last_name": str,
    "is_staff": bool,
    "is_superuser": bool,
}


def map_user_claims(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The default GATEHOUSE["REMOTE_USER_CLAIMS_MAPPER"]: user field values from the auth service's claims.

    A project that adds claims (GATEHOUSE["EXTRA_ACCESS_CLAIMS"] on the auth service)
    names its own function, which may call this one and add its fields.
    """
    return {
        claim: claims[claim]
        for claim in USER_COPY_CLAIMS
        if claim in claims and isinstance(claims[claim], CLAIM_TYPES[claim])
    }


def user_from_claims(claims: Mapping[str, Any]) -> User:
    """The local copy of the claims' user, created or updated to match them.

    Raises TokenNotValid when the user id is not one.
    """
    user_model = get_user_model()
    # USER_ID_FIELD names a column of the user model, never a relation.
    id_field = cast("Field[Any, Any]", user_model._meta.get_field(api_settings.USER_ID_FIELD))
    try:
        # The id as the model holds it (a UUID), so that a new copy's pk matches a loaded one's.
        user_id = id_field.to_python(claims.get(api_settings.USER_ID_CLAIM))
    except (ValueError, ValidationError) as error:
        raise TokenNotValid(_("The token's user id is not valid.")) from error
    if user_id is None:
        raise TokenNotValid(_("Token contained no recognizable user identification"))
    fields = gatehouse_settings.REMOTE_USER_CLAIMS_MAPPER(claims)
    user = user_model.objects.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
    if user is None:
        return create_copy(user_model, user_id, fields)
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    if changed:
        # Only when the token disagrees with the copy: a request that says nothing new reads no more.
        newer = fields_newer_than_token(user, claims)
        changed = [name for name in changed if name not in newer]
    if changed:
        for name in changed:
            setattr(user, name, fields[name])
        with transaction.atomic():
            if "email" in changed:
                release_email_of_stale_copy(user_model, user.email, user_id)
            user.save(update_fields=changed)
    return user


def create_copy(user_model: type[User], user_id: Any, fields: dict[str, Any]) -> User:
    """A new local copy, or the one a concurrent request has just created."""
    user = user_model(**{api_settings.USER_ID_FIELD: user_id}, **fields)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            if user.email:
                release_email_of_stale_copy(user_model, user.email, user_id)
            user.save(force_insert=True)
    except IntegrityError:
        # A concurrent request has just created this copy.
        return user_model.objects.get(**{api_settings.USER_ID_FIELD: user_id})
    return user


def release_email_of_stale_copy(user_model: type[User], email: str, user_id: Any) -> None:
    """Give `email` up in any other copy that holds it: that copy's address is stale (module docstring)."""
    holders = user_model.objects.select_for_update().filter(email=email)
    for stale in holders.exclude(**{api_settings.USER_ID_FIELD: user_id}):
        logger.info("The local copy of user %s gives up an address the auth service now gives another user.", stale.pk)
        stale.email = f"{stale.pk}@stale-copy.invalid"
        stale.save(update_fields=["email"])


def update_copy_from_auth_service(user: User, answer: Mapping[str, Any], answered_at: float) -> None:
    """Set the copy's fields to the auth service's own answer about the user (`me/` after a PATCH).

    The answer is read as claims are (REMOTE_USER_CLAIMS_MAPPER), and remembered with
    its time (the auth service's clock, as tokens' `iat` are) until every access token
    issued before it has expired, so that those tokens do not undo it.
    """
    fields = gatehouse_settings.REMOTE_USER_CLAIMS_MAPPER(answer)
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        user.save(update_fields=changed)
    record = {"at": int(answered_at), "fields": sorted(fields)}
    cache.set(updated_by_auth_service_key(user), record, timeout=access_token_reach().total_seconds())


def fields_newer_than_token(user: User, claims: Mapping[str, Any]) -> Set[str]:
    """The copy's fields that the auth service answered with at or after the claims' token was issued (`iat`)."""
    record = cache.get(updated_by_auth_service_key(user))
    issued_at = claims.get("iat")
    if not isinstance(record, dict) or not isinstance(issued_at, int | float) or issued_at > record["at"]:
        return frozenset()
    return frozenset(record["fields"])


def updated_by_auth_service_key(user: User) -> str:
    return f"{UPDATED_BY_AUTH_SERVICE_CACHE_PREFIX}{user.pk}"
