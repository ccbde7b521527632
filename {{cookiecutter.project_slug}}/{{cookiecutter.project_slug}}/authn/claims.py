"""What an access token says about its user, besides who they are.

With GATEHOUSE["USER_CLAIMS_IN_ACCESS_TOKENS"] (on for an auth_service), access tokens
carry what a client service needs to keep a local copy of the user (email, names,
is_staff, is_superuser); GATEHOUSE["EXTRA_ACCESS_CLAIMS"] names a function of the user
whose dict of claims is added too. A standalone service keeps its tokens minimal: it
reads the user row itself when it needs more than the id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .conf import gatehouse_settings

if TYPE_CHECKING:
    from ..users.models import User

# The user fields a client service copies, as claims of the same names.
USER_COPY_CLAIMS = ("email", "first_name", "last_name", "is_staff", "is_superuser")
# Claims that the token classes set and check: a function of the user must never change them.
RESERVED_CLAIMS = frozenset(
    {"aud", "auth_time", "exp", "fam", "iat", "iss", "jti", "nbf", "sid", "sub", "token_type", "user_id", "ver"}
)


def user_copy_claims(user: User) -> dict[str, Any]:
    """The claims from which a client service creates or updates its copy of `user`."""
    return {claim: getattr(user, claim) for claim in USER_COPY_CLAIMS}


def access_token_claims(user: User) -> dict[str, Any]:
    """The claims added to an access token for `user`; {} when none are asked for.

    Computed every time an access token is made (login and refresh), from the row that
    request has already read, so that a changed name reaches client services with the
    next access token.
    """
    extra_claims = gatehouse_settings.EXTRA_ACCESS_CLAIMS
    if not gatehouse_settings.USER_CLAIMS_IN_ACCESS_TOKENS and extra_claims is None:
        return {}
    claims = user_copy_claims(user) if gatehouse_settings.USER_CLAIMS_IN_ACCESS_TOKENS else {}
    if extra_claims is not None:
        extra = extra_claims(user)
        if reserved := RESERVED_CLAIMS.intersection(extra):
            raise ValueError(f"GATEHOUSE['EXTRA_ACCESS_CLAIMS'] must not set the reserved claims {sorted(reserved)}.")
        claims.update(extra)
    return claims
