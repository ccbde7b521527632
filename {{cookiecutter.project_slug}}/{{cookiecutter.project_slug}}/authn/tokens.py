"""Issuing, rotating and revoking JWTs: every token this project signs is made here.

The token classes are simplejwt's, with two changes: they verify through a backend
that also accepts GATEHOUSE["EXTRA_VERIFYING_KEYS"] (key rotation), and a malformed
time claim is a refused token rather than an exception. A token carries `jti`, `exp`,
`iat`, `token_type`, `user_id`, `aud` and `iss`, and its header the signing key's `kid`;
an access token adds only what authn/claims.py asks for (on an auth_service: what a
client service copies of the user).

Refresh tokens are tracked in simplejwt's outstanding-token table, so that logout,
rotation and "log out everywhere" can blacklist them, and each belongs to the family
of the login that started it (the `fam` claim, a RefreshFamily row). Rotation keeps the
family and never extends it past the login + REFRESH_FAMILY_MAX_AGE (simplejwt's
rotation slides the expiry with no cap). A token that its family had already replaced,
presented again, revokes the whole family (reuse detection, RFC 9700 section 4.14.2):
one of the two holders of that token is not its owner.

With INSTANT_ACCESS_REVOCATION, access tokens also carry the user's token version
(`ver`), kept in the cache and raised by every revocation of all of a user's sessions;
the authentication class refuses an access token whose version is no longer current.
"""

from __future__ import annotations

import functools
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import jwt
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt import tokens as simplejwt_tokens
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_to_epoch

from .claims import access_token_claims
from .conf import SETTINGS_NAME, gatehouse_settings
from .errors import TokenNotValid
from .keys import key_id, public_key_pem
from .models import RefreshFamily
from .signals import refresh_reuse_detected

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

# The refresh token's family id, and the access token's token version.
FAMILY_CLAIM = "fam"
VERSION_CLAIM = "ver"
TOKEN_VERSION_CACHE_PREFIX = "authn:token-version:"  # noqa: S105 (a cache key prefix, not a secret)
# The message of every refused refresh token that was used before: a replay learns nothing more.
BLACKLISTED = "Token is blacklisted"


class KeySetTokenBackend(TokenBackend):
    """simplejwt's backend, which also verifies with further public keys, and names its signing key.

    An issuer that rotates its signing key publishes the new key next to the old
    one for a while; a token is accepted when any of the keys verifies it. Tokens
    signed with a key pair carry the key's `kid` (its RFC 7638 thumbprint) in their
    header, so that a verifier holding several keys knows which one to use. A
    `jwks_client` (GATEHOUSE["JWKS_CLIENT"]) replaces simplejwt's PyJWKClient.
    """

    def __init__(
        self,
        *args: Any,
        extra_verifying_keys: list[str] | tuple[str, ...] = (),
        jwks_client: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if jwks_client is not None:
            self.jwks_client = jwks_client
        self.extra_backends = [
            TokenBackend(
                self.algorithm,
                verifying_key=key,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
            )
            for key in extra_verifying_keys
        ]

    @functools.cached_property
    def signing_kid(self) -> str | None:
        """The `kid` of the signing key; None for HMAC, whose key is never published."""
        if not self.signing_key or self.algorithm.startswith("HS"):
            return None
        return key_id(public_key_pem(self.signing_key), self.algorithm)

    def encode(self, payload: dict[str, Any]) -> str:
        """simplejwt's encode, with the signing key's `kid` in the header."""
        jwt_payload = payload.copy()
        if self.audience is not None:
            jwt_payload["aud"] = self.audience
        if self.issuer is not None:
            jwt_payload["iss"] = self.issuer
        headers = {"kid": self.signing_kid} if self.signing_kid else None
        return jwt.encode(
            jwt_payload,
            self.prepared_signing_key,
            algorithm=self.algorithm,
            json_encoder=self.json_encoder,
            headers=headers,
        )

    def decode(self, token: Any, verify: bool = True) -> dict[str, Any]:
        """The verified payload of `token`, checked against each key in turn."""
        try:
            return super().decode(token, verify=verify)
        except TokenBackendExpiredToken:
            # The signature was good: another key would not make the token younger.
            raise
        except TokenBackendError:
            for backend in self.extra_backends:
                try:
                    return backend.decode(token, verify=verify)
                except TokenBackendError:
                    continue
            raise


@functools.cache
def get_token_backend() -> KeySetTokenBackend:
    """The backend that signs and verifies every token, built from SIMPLE_JWT and GATEHOUSE on first use."""
    # Looked up through the module: simplejwt replaces the object when SIMPLE_JWT is overridden.
    jwt_settings = simplejwt_settings.api_settings
    return KeySetTokenBackend(
        jwt_settings.ALGORITHM,
        jwt_settings.SIGNING_KEY,
        jwt_settings.VERIFYING_KEY,
        jwt_settings.AUDIENCE,
        jwt_settings.ISSUER,
        jwt_settings.JWK_URL,
        jwt_settings.LEEWAY,
        jwt_settings.JSON_ENCODER,
        extra_verifying_keys=gatehouse_settings.EXTRA_VERIFYING_KEYS,
        jwks_client=gatehouse_settings.JWKS_CLIENT() if gatehouse_settings.JWKS_CLIENT else None,
    )


def reset_token_backend(*, setting: str, **kwargs: Any) -> None:
    """Rebuild the backend after `override_settings(SIMPLE_JWT=...)` or `(GATEHOUSE=...)` in tests."""
    if setting in ("SIMPLE_JWT", SETTINGS_NAME):
        get_token_backend.cache_clear()


setting_changed.connect(reset_token_backend)


class GatehouseTokenMixin:
    """What this project's tokens change in simplejwt's: the backend, and strict time claims."""

    @property
    def token_backend(self) -> TokenBackend:
        return get_token_backend()

    def check_exp(self, claim: str = "exp", current_time: datetime | None = None) -> None:
        """Refuse a token whose time claim has passed or is not a number (simplejwt would raise TypeError)."""
        try:
            super().check_exp(claim, current_time)  # type: ignore[misc]
        except (TypeError, ValueError, OverflowError, OSError) as error:
            raise TokenError(f"Token '{claim}' claim is not a timestamp") from error


class AccessToken(GatehouseTokenMixin, simplejwt_tokens.AccessToken):
    """A short-lived token that authenticates requests (SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"])."""


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


@dataclass(frozen=True)
class TokenPair:
    """A signed access token and refresh token, as a client receives them."""

    access: str
    refresh: str
    # Seconds until the access token expires: what clients schedule their refresh by.
    expires_in: int

    @classmethod
    def from_refresh_token(cls, refresh: RefreshToken, raw_refresh: str | None = None) -> TokenPair:
        """The pair made of `refresh` (signed now unless `raw_refresh` is its existing text) and a fresh access token."""
        access = refresh.access_token
        access.payload.update(access_token_claims(refresh[api_settings.USER_ID_CLAIM]))
        if gatehouse_settings.INSTANT_ACCESS_REVOCATION:
            access[VERSION_CLAIM] = current_token_version(refresh[api_settings.USER_ID_CLAIM])
        return cls(
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
    return TokenPair.from_refresh_token(RefreshToken.for_user(user))


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
            return TokenPair.from_refresh_token(refresh, raw_refresh=raw_refresh)
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
    return TokenPair.from_refresh_token(refresh)


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


def token_version_key(user_id: Any) -> str:
    return f"{TOKEN_VERSION_CACHE_PREFIX}{user_id}"


def current_token_version(user_id: Any) -> int:
    """The user's token version (0 until the first revocation): what new access tokens carry as `ver`."""
    return int(cache.get(token_version_key(user_id), 0))


def bump_token_version(user_id: Any) -> None:
    """Refuse every access token issued to the user so far, when INSTANT_ACCESS_REVOCATION is on.

    The version never expires from the cache: keep that cache from evicting keys
    (docs/security-model.md); a lost version only re-admits tokens of at most one
    access-token lifetime.
    """
    if not gatehouse_settings.INSTANT_ACCESS_REVOCATION:
        return
    key = token_version_key(user_id)
    cache.add(key, 0, timeout=None)
    cache.incr(key)


def check_token_version(access: simplejwt_tokens.Token) -> None:
    """Refuse (TokenNotValid) an access token whose `ver` is not the user's current token version.

    One cache read per authenticated request, and only with INSTANT_ACCESS_REVOCATION;
    a cache that is down raises, and the request gets 503 rather than a pass.
    """
    if not gatehouse_settings.INSTANT_ACCESS_REVOCATION:
        return
    if access.get(VERSION_CLAIM) != current_token_version(access.get(api_settings.USER_ID_CLAIM)):
        raise TokenNotValid("The token has been revoked.")


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
