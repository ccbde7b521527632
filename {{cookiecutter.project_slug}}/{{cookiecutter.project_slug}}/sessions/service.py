"""Refresh tokens as sessions: issuing, rotating and revoking every token pair this project signs.

A session is one login: one refresh-token family (a RefreshFamily row, the `fam` claim).
Refresh tokens are tracked in simplejwt's outstanding-token table, so that logout,
rotation and "log out everywhere" can blacklist them. Rotation keeps the family and
never extends it past the login + REFRESH_FAMILY_MAX_AGE (simplejwt's rotation slides
the expiry with no cap). A token that its family had already replaced, presented again,
revokes the whole family (reuse detection, RFC 9700 section 4.14.2): one of the two
holders of that token is not its owner.

A token carries `jti`, `exp`, `iat`, `token_type`, `user_id`, `aud` and `iss`, and its
header the signing key's `kid`; an access token adds only what authn/claims.py asks for.
Every revocation of all of a user's sessions raises the user's token version, which
INSTANT_ACCESS_REVOCATION checks on every request (authn/tokens.py).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt import tokens as simplejwt_tokens
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_to_epoch

from ..authn.claims import access_token_claims
from ..authn.conf import gatehouse_settings
from ..authn.signals import refresh_reuse_detected
from ..authn.tokens import (
    VERSION_CLAIM,
    AccessToken,
    GatehouseTokenMixin,
    TokenPair,
    current_token_version,
    token_version_key,
)
from .models import RefreshFamily

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

# The refresh token's family id.
FAMILY_CLAIM = "fam"
# The message of every refused refresh token that was used before: a replay learns nothing more.
BLACKLISTED = "Token is blacklisted"


class RefreshTokenReused(TokenError):
    """A refresh token that its family had already replaced was presented: the family must be revoked."""

    def __init__(self, family_id: str) -> None:
        super().__init__(BLACKLISTED)
        self.family_id = family_id


class RefreshToken(GatehouseTokenMixin, simplejwt_tokens.RefreshToken):
    """A token that buys new access tokens once; it is blacklisted when used, on logout, and by revocation.

    It belongs to a RefreshFamily (the `fam` claim) and is refused once that family is
    revoked or past its absolute lifetime. The family id is not copied into access tokens.
    """

    access_token_class = AccessToken
    no_copy_claims = (*simplejwt_tokens.RefreshToken.no_copy_claims, FAMILY_CLAIM)

    @classmethod
    def for_user(cls, user: AbstractBaseUser) -> RefreshToken:
        """A refresh token that starts a new family for `user` (one login), tracked as outstanding."""
        # simplejwt's Token.for_user, skipping BlacklistMixin's, which would store the token
        # before it has its family claim and capped expiry.
        token = super(simplejwt_tokens.BlacklistMixin, cls).for_user(user)
        started_at = timezone.now()
        family = RefreshFamily.objects.create(
            id=uuid.uuid4().hex,
            user=user,
            started_at=started_at,
            expires_at=started_at + gatehouse_settings.REFRESH_FAMILY_MAX_AGE,
            current_jti=token[api_settings.JTI_CLAIM],
        )
        token[FAMILY_CLAIM] = family.pk
        token.limit_exp_to(family.expires_at)
        token.outstand()
        return token

    def limit_exp_to(self, deadline: datetime) -> None:
        """Bring `exp` forward to `deadline` if it is later (the family's absolute end)."""
        self.payload["exp"] = min(self.payload["exp"], datetime_to_epoch(deadline))

    def check_blacklist(self) -> None:
        """Refuse a blacklisted token; raise RefreshTokenReused when its live family had replaced it."""
        jti = self.payload.get(api_settings.JTI_CLAIM)
        if not BlacklistedToken.objects.filter(token__jti=jti).exists():
            return
        family = RefreshFamily.objects.filter(pk=str(self.payload.get(FAMILY_CLAIM))).first()
        if family is not None and family.revoked_at is None and family.current_jti != jti:
            raise RefreshTokenReused(family.pk)
        raise TokenError(BLACKLISTED)

    def verify(self, *args: Any, **kwargs: Any) -> None:
        """simplejwt's checks (blacklist, expiry, type), then: the family is live."""
        super().verify(*args, **kwargs)
        family = RefreshFamily.objects.filter(pk=str(self.payload.get(FAMILY_CLAIM))).first()
        if family is None or family.revoked_at is not None or family.expires_at <= timezone.now():
            raise TokenError("The token's session has ended")


def token_pair(refresh: RefreshToken, raw_refresh: str | None = None) -> TokenPair:
    """The pair made of `refresh` (signed now unless `raw_refresh` is its existing text) and a fresh access token."""
    access = refresh.access_token
    access.payload.update(access_token_claims(refresh[api_settings.USER_ID_CLAIM]))
    if gatehouse_settings.INSTANT_ACCESS_REVOCATION:
        access[VERSION_CLAIM] = current_token_version(refresh[api_settings.USER_ID_CLAIM])
    return TokenPair(
        access=str(access),
        refresh=raw_refresh if raw_refresh is not None else str(refresh),
        expires_in=int(AccessToken.lifetime.total_seconds()),
    )


def issue_tokens(user: AbstractBaseUser) -> TokenPair:
    """A fresh pair for a user who has just authenticated: a new `jti` every time.

    Inactive users never get tokens; a caller that tries has skipped its own check.
    """
    if not user.is_active:
        raise ValueError("Tokens are never issued to an inactive user.")
    return token_pair(RefreshToken.for_user(user))


def rotate_refresh_token(raw_refresh: str, request: HttpRequest | None = None) -> TokenPair:
    """Exchange a refresh token for a new pair of the same family; the one presented is refused from then on.

    Raises TokenError when the token is invalid, already used, its family is over, or
    its user is gone or inactive. A token its family had already replaced revokes the
    family first (and `refresh_reuse_detected` is sent with `request`). Two requests
    racing with the same token cannot both succeed: only the one that creates the
    blacklist entry gets a new pair; the other is refused without revoking the family
    (a client that refreshed twice at once is not an attacker).
    """
    refresh = load_refresh_token(raw_refresh, request)
    with transaction.atomic():
        # Locking the user serializes this with revoke_all_refresh_tokens(): a token
        # minted here is either seen by a concurrent revocation or refused by it.
        _lock_active_user(refresh)
        family = RefreshFamily.objects.select_for_update().filter(pk=refresh[FAMILY_CLAIM]).first()
        if family is None or family.revoked_at is not None:
            raise TokenError("The token's session has ended")
        if not api_settings.ROTATE_REFRESH_TOKENS:
            return token_pair(refresh, raw_refresh=raw_refresh)
        _blacklisted, blacklisted_now = refresh.blacklist()
        if not blacklisted_now:
            raise TokenError(BLACKLISTED)
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        # simplejwt's set_exp() slides the expiry; a family has an absolute end.
        refresh.limit_exp_to(family.expires_at)
        refresh.outstand()
        family.current_jti = refresh[api_settings.JTI_CLAIM]
        family.save(update_fields=["current_jti"])
    return token_pair(refresh)


def blacklist_refresh_token(raw_refresh: str, request: HttpRequest | None = None) -> AbstractBaseUser | None:
    """End the session of one refresh token (logout): revoke its family; return its user, or None if gone.

    Raises TokenError when the token is forged, malformed, expired, not a refresh
    token, or already used (a replaced one revokes its family as reuse does). A refresh
    racing with this logout cannot keep the session alive: the family is revoked
    whichever of the two blacklisted the token.
    """
    refresh = load_refresh_token(raw_refresh, request)
    with transaction.atomic():
        blacklisted, _blacklisted_now = refresh.blacklist()
        revoke_family(refresh[FAMILY_CLAIM], RefreshFamily.RevokedBecause.LOGOUT)
    return blacklisted.token.user


def load_refresh_token(raw_refresh: str, request: HttpRequest | None) -> RefreshToken:
    """The verified refresh token; on reuse of a replaced one, revoke its family, report it, and refuse."""
    try:
        return RefreshToken(raw_refresh)
    except RefreshTokenReused as reuse:
        family = revoke_family(reuse.family_id, RefreshFamily.RevokedBecause.REUSE)
        if family is not None:
            logger.warning("Refresh token reuse: family %s of user %s revoked", family.pk, family.user_id)
            refresh_reuse_detected.send(sender=RefreshToken, request=request, user=family.user, family=family.pk)
        raise TokenError(BLACKLISTED) from None


def revoke_family(family_id: str, reason: str) -> RefreshFamily | None:
    """Revoke a live family and blacklist its current refresh token; the family, or None if it was not live."""
    with transaction.atomic():
        family = (
            RefreshFamily.objects.select_for_update()
            .select_related("user")
            .filter(pk=family_id, revoked_at__isnull=True)
            .first()
        )
        if family is None:
            return None
        family.revoked_at = timezone.now()
        family.revoked_because = reason
        family.save(update_fields=["revoked_at", "revoked_because"])
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in OutstandingToken.objects.filter(jti=family.current_jti)],
            ignore_conflicts=True,
        )
    return family


def revoke_all_refresh_tokens(user: AbstractBaseUser) -> int:
    """Blacklist every unexpired refresh token of `user`; return how many were still usable.

    Used by `logout/all/`, and by anything that must end every session of a user
    (a password change or reset): every family of the user is revoked too. Access
    tokens already issued live out their short lifetime, unless TOKEN_USER_SOURCE=
    "database" or INSTANT_ACCESS_REVOCATION refuses them sooner.
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        RefreshFamily.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_because=RefreshFamily.RevokedBecause.REVOKE_ALL
        )
        usable = list(
            OutstandingToken.objects.filter(
                user_id=user.pk,
                expires_at__gt=timezone.now(),
                blacklistedtoken__isnull=True,
            )
        )
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in usable], ignore_conflicts=True
        )
    bump_token_version(user.pk)
    return len(usable)


def purge_refresh_families() -> int:
    """Delete families past their absolute end (no token of theirs can be used); how many were deleted."""
    deleted, _by_model = RefreshFamily.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def bump_token_version(user_id: Any) -> None:
    """Refuse every access token issued to the user so far, when INSTANT_ACCESS_REVOCATION is on.

    The version never expires from the cache: keep that cache from evicting keys
    (docs/sessions.md); a lost version only re-admits tokens of at most one
    access-token lifetime.
    """
    if not gatehouse_settings.INSTANT_ACCESS_REVOCATION:
        return
    key = token_version_key(user_id)
    cache.add(key, 0, timeout=None)
    cache.incr(key)


def revoke_access_of_deactivated_user(sender: type, instance: AbstractBaseUser, created: bool, **kwargs: Any) -> None:
    """post_save receiver of the user model: a deactivated user's access tokens stop working (with the setting on)."""
    if not created and not instance.is_active:
        bump_token_version(instance.pk)


def _lock_active_user(refresh: RefreshToken) -> AbstractBaseUser:
    """The refresh token's user, locked for the transaction; TokenError when gone or inactive."""
    user_id = refresh.get(api_settings.USER_ID_CLAIM)
    try:
        user = get_user_model().objects.select_for_update().filter(**{api_settings.USER_ID_FIELD: user_id}).first()
    except (ValueError, ValidationError) as error:
        # Only a token signed with our key gets here, but an id of the wrong shape still is no user.
        raise TokenError("The token's user id is not valid") from error
    if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
        raise TokenError("The token's user is inactive or deleted")
    return user


def end_sessions_of_deactivated_user(
    sender: type, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """`user_deactivated` receiver (the admin's deactivate action): every session of the user ends."""
    revoke_all_refresh_tokens(user)
