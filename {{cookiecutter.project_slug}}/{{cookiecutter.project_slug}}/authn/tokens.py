"""Issuing, rotating and revoking JWTs: every token this project signs is made here.

The token classes are simplejwt's, with two changes: they verify through a backend
that also accepts GATEHOUSE["EXTRA_VERIFYING_KEYS"] (key rotation), and a malformed
time claim is a refused token rather than an exception. A token carries only `jti`,
`exp`, `iat`, `token_type`, `user_id`, `aud` and `iss`: nothing about the person.

Refresh tokens are tracked in simplejwt's outstanding-token table, so that logout,
rotation and "log out everywhere" can blacklist them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
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

from .conf import SETTINGS_NAME, gatehouse_settings

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class KeySetTokenBackend(TokenBackend):
    """simplejwt's backend, which also verifies with further public keys.

    An issuer that rotates its signing key publishes the new key next to the old
    one for a while; a token is accepted when any of the keys verifies it.
    """

    def __init__(self, *args: Any, extra_verifying_keys: list[str] | tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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


class RefreshToken(GatehouseTokenMixin, simplejwt_tokens.RefreshToken):
    """A token that buys new access tokens once; it is blacklisted when used, on logout, and by revocation."""

    access_token_class = AccessToken


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
        return cls(
            access=str(refresh.access_token),
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


def rotate_refresh_token(raw_refresh: str) -> TokenPair:
    """Exchange a refresh token for a new pair; the one presented is blacklisted and refused from then on.

    Raises TokenError when the token is invalid, already used, or its user is gone
    or inactive. Two requests racing with the same token cannot both succeed: only
    the one that creates the blacklist entry gets a new pair.
    """
    refresh = RefreshToken(raw_refresh)
    with transaction.atomic():
        # Locking the user serializes this with revoke_all_refresh_tokens(): a token
        # minted here is either seen by a concurrent revocation or refused by it.
        _lock_active_user(refresh)
        if not api_settings.ROTATE_REFRESH_TOKENS:
            return TokenPair.from_refresh_token(refresh, raw_refresh=raw_refresh)
        _blacklisted, blacklisted_now = refresh.blacklist()
        if not blacklisted_now:
            raise TokenError("Token is blacklisted")
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
    return TokenPair.from_refresh_token(refresh)


def blacklist_refresh_token(raw_refresh: str) -> AbstractBaseUser | None:
    """Blacklist one refresh token (logout) and return its user, or None if the account is gone.

    Raises TokenError when the token is forged, malformed, expired, not a refresh
    token, or already blacklisted; then nothing is written.
    """
    refresh = RefreshToken(raw_refresh)
    blacklisted, blacklisted_now = refresh.blacklist()
    if not blacklisted_now:
        raise TokenError("Token is blacklisted")
    return blacklisted.token.user


def revoke_all_refresh_tokens(user: AbstractBaseUser) -> int:
    """Blacklist every unexpired refresh token of `user`; return how many were still usable.

    Used by `logout/all/`, and by anything that must end every session of a user
    (a password change or reset). Access tokens already issued live out their
    short lifetime, unless TOKEN_USER_SOURCE="database" refuses them sooner.
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
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
    return len(usable)


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
