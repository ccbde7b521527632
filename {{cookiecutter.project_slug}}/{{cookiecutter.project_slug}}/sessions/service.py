"""Refresh tokens as sessions: issuing, rotating and revoking every token pair this project signs.

A session is one login: one refresh-token family (a RefreshFamily row, the `fam` claim).
Refresh tokens are tracked in simplejwt's outstanding-token table, so that logout,
rotation and "log out everywhere" can blacklist them. Rotation keeps the family and
never extends it past the login + REFRESH_FAMILY_MAX_AGE (simplejwt's rotation slides
the expiry with no cap). A token that its family had already replaced, presented again,
revokes the whole family (reuse detection, RFC 9700 section 4.14.2): one of the two
holders of that token is not its owner. Except within REFRESH_REUSE_GRACE of its
rotation: two tabs of one browser refreshing with the same token at once are not an
attack, so the late one gets a 401 and the family lives on with the winner's token
(a deliberate deviation from RFC 9700, bounded to a few seconds). The time a token was
replaced is its blacklist row's `blacklisted_at`, written by the rotation itself. A
logout with such a token still ends the session.

A session records how its login was made (the scenario) and where it was last used
from (client address and user agent, at login and at each refresh), which the sessions
list shows (`GET sessions/`); `last_used_at` moves at each refresh and, at most once per
SESSION_LAST_USED_PRECISION, when one of its access tokens is used (note_session_use).

A token carries `jti`, `exp`, `iat`, `token_type`, `sub` (the user id), `aud` and `iss`,
and its header `typ` and the signing key's `kid`. An access token (`typ: at+jwt`) adds
`auth_time`, `sid` (its session's id) and what authn/claims.py asks for; a refresh token has `typ: rt+jwt` and
SIMPLE_JWT["AUDIENCE"] + "/refresh" as `aud`, so that no verifier of access tokens takes it.
Every revocation of all of a user's sessions raises the user's token version, which
INSTANT_ACCESS_REVOCATION checks on every request (authn/tokens.py).

Lock order. Whatever races with what (refreshes of one token, a refresh and a logout,
logout everywhere, a deactivation, a password change or reset), every transaction
takes its row locks in this order, skipping levels it does not need and never coming
back to an earlier one, so that none waits on another that waits on it (a deadlock,
which PostgreSQL breaks by failing one of them, a 503):

1. The user row, and only ever FOR NO KEY UPDATE: the admin's deactivation, a password
   reset or an activation (accounts/passwords.py, locked_user), a password change's
   save, and revoke_all_refresh_tokens() (so only one of those runs at a time for a
   user). Never FOR UPDATE: every token row written here has a foreign key to the user
   row, which PostgreSQL checks at COMMIT (Django's foreign keys are DEFERRABLE
   INITIALLY DEFERRED) with FOR KEY SHARE, after the transaction took its family row.
   FOR KEY SHARE waits only for FOR UPDATE (and a DELETE): a transaction holding the
   user row that way while it waits for a family would deadlock with a rotation.
   Deleting a user should end its sessions first, in the same transaction.
2. The family row: a rotation's compare-and-swap UPDATE, revoke_family()'s SELECT ...
   FOR UPDATE (of the family alone, not of the user row it reads with it), the UPDATE
   of every family of a user in revoke_all_refresh_tokens().
3. The token rows (outstanding and blacklisted): a family's are written only while its
   row is held, so two writers of one token always queue on the family first.
4. The token version in the cache, raised once the families are revoked. A rotation
   reads it before it takes its family row, so that an access token minted by a
   rotation that a revocation waited for carries the version that revocation retires.

Two refreshes of one token, or a refresh and a logout, queue on their family's row; the
loser finds the family moved on (or revoked) and is refused, never failed.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt import tokens as simplejwt_tokens
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch, datetime_to_epoch

from ..authn.claims import access_token_claims
from ..authn.conf import gatehouse_settings
from ..authn.identity import client_ip, client_user_agent
from ..authn.signals import refresh_reuse_detected
from ..authn.tokens import (
    AUTH_TIME_CLAIM,
    SESSION_ID_CLAIM,
    VERSION_CLAIM,
    AccessToken,
    GatehouseTokenMixin,
    TokenPair,
    current_token_version,
    mark_session_ended,
    token_version_key,
)
from .models import USER_AGENT_MAX_LENGTH, RefreshFamily

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework_simplejwt.tokens import Token

    from ..users.models import User

logger = logging.getLogger(__name__)

# The refresh token's family id.
FAMILY_CLAIM = "fam"
# The refresh token's JOSE `typ`, and what its `aud` adds to SIMPLE_JWT["AUDIENCE"]: only this issuer reads it.
REFRESH_TOKEN_TYPE = "rt+jwt"  # noqa: S105 (a media type, not a secret)
REFRESH_AUDIENCE_SUFFIX = "/refresh"
# The message of every refused refresh token that was used before: a replay learns nothing more.
BLACKLISTED = "Token is blacklisted"


@dataclass(frozen=True)
class Client:
    """Where a session is used from: what the sessions list shows of a login or a refresh."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, request: HttpRequest | None) -> Client:
        """The client that sent `request` (behind the trusted proxies); nothing known without a request."""
        if request is None:
            return cls()
        return cls(ip=client_ip(request) or None, user_agent=client_user_agent(request, USER_AGENT_MAX_LENGTH))


class RefreshTokenReplaced(TokenError):
    """A refresh token that its live family had already replaced was presented again; `family` is that family."""

    def __init__(self, family: RefreshFamily) -> None:
        super().__init__(BLACKLISTED)
        self.family = family


class RefreshTokenReused(RefreshTokenReplaced):
    """A replaced token came back after REFRESH_REUSE_GRACE: somebody else holds a copy, the family must be revoked."""


class RefreshTokenJustReplaced(RefreshTokenReplaced):
    """A replaced token came back within REFRESH_REUSE_GRACE of its rotation (another tab's refresh): refused alone."""


class RefreshToken(GatehouseTokenMixin, simplejwt_tokens.RefreshToken):
    """A token that buys new access tokens once; it is blacklisted when used, on logout, and by revocation.

    It belongs to a RefreshFamily (the `fam` claim) and is refused once that family is
    revoked or past its absolute lifetime. The family id is not copied into access tokens.
    Verifying a token reads its family, with the family's user, once: what the request
    does next (rotate, log out, build the access token's claims) works from that row.
    """

    jose_type = REFRESH_TOKEN_TYPE
    audience_suffix = REFRESH_AUDIENCE_SUFFIX
    access_token_class = AccessToken
    # simplejwt leaves no_copy_claims unannotated, so mypy takes its five claims for the type.
    no_copy_claims = (*simplejwt_tokens.RefreshToken.no_copy_claims, FAMILY_CLAIM)  # type: ignore[assignment]
    # The token's family with its user: read by verify(), or created by for_user().
    family: RefreshFamily
    # The id of the token's outstanding row, read by verify() with the family (None when untracked).
    outstanding_id: int | None = None

    # Narrower than simplejwt's, which also takes a TokenUser: a family belongs to a user row.
    @classmethod
    def for_user(cls, user: User, scenario: str = "", client: Client | None = None) -> RefreshToken:  # type: ignore[override]
        """A refresh token that starts a new family for `user` (one login); `issue()` signs and tracks it."""
        # simplejwt's Token.for_user, skipping BlacklistMixin's, which would store the token
        # before it has its family claim and capped expiry (and read the user again to do so).
        token = super(simplejwt_tokens.BlacklistMixin, cls).for_user(user)
        started_at = timezone.now()
        client = client or Client()
        token.family = RefreshFamily.objects.create(
            id=uuid.uuid4().hex,
            user=user,
            started_at=started_at,
            authenticated_at=started_at,
            expires_at=started_at + gatehouse_settings.REFRESH_FAMILY_MAX_AGE,
            current_jti=token[api_settings.JTI_CLAIM],
            scenario=scenario,
            ip=client.ip,
            user_agent=client.user_agent,
            last_used_at=started_at,
        )
        token[FAMILY_CLAIM] = token.family.pk
        token.limit_exp_to(token.family.expires_at)
        return token

    @classmethod
    def in_family(cls, family: RefreshFamily) -> RefreshToken:
        """A new refresh token of an existing family (a reauthentication); `issue()` signs and tracks it."""
        token = super(simplejwt_tokens.BlacklistMixin, cls).for_user(family.user)
        token.family = family
        token[FAMILY_CLAIM] = family.pk
        token.limit_exp_to(family.expires_at)
        return token

    @property
    def access_token(self) -> simplejwt_tokens.AccessToken:
        """simplejwt's access token of this refresh token, with `auth_time` (the family's last authentication) and `sid`."""
        access = super().access_token
        access[AUTH_TIME_CLAIM] = datetime_to_epoch(self.family.authenticated_at)
        access[SESSION_ID_CLAIM] = self.family.pk
        return access

    def limit_exp_to(self, deadline: datetime) -> None:
        """Bring `exp` forward to `deadline` if it is later (the family's absolute end)."""
        self.payload["exp"] = min(self.payload["exp"], datetime_to_epoch(deadline))

    def issue(self) -> str:
        """Sign the token and track it as outstanding (one INSERT); the signed text, as the client receives it.

        A new token has a new random `jti`, so there is no existing row to look for, as
        simplejwt's get_or_create in outstand() does.
        """
        raw = str(self)
        OutstandingToken.objects.create(
            user=self.family.user,
            jti=self[api_settings.JTI_CLAIM],
            token=raw,
            created_at=self.current_time,
            expires_at=datetime_from_epoch(self["exp"]),
        )
        return raw

    def verify(self, *args: Any, **kwargs: Any) -> None:
        """simplejwt's checks (expiry, id, type), then the token's standing: not used, its family live."""
        # Token.verify rather than BlacklistMixin's, which would query the blacklist before
        # the type is checked: an access token sent here costs no query.
        simplejwt_tokens.Token.verify(self, *args, **kwargs)
        self.check_blacklist()

    def check_blacklist(self) -> None:
        """Refuse a used token or one whose session has ended.

        A token that its live family had replaced raises RefreshTokenJustReplaced within
        REFRESH_REUSE_GRACE of its rotation (when it was blacklisted), RefreshTokenReused
        after. One query reads the family, its user, and when this token was blacklisted.
        """
        jti = self.payload.get(api_settings.JTI_CLAIM)
        family = (
            RefreshFamily.objects.select_related("user")
            .annotate(
                token_blacklisted_at=Subquery(
                    BlacklistedToken.objects.filter(token__jti=jti).values("blacklisted_at")[:1]
                ),
                outstanding_id=Subquery(OutstandingToken.objects.filter(jti=jti).values("pk")[:1]),
            )
            .filter(pk=str(self.payload.get(FAMILY_CLAIM)))
            .first()
        )
        if family is None:
            raise TokenError(_("The token's session has ended."))
        if family.token_blacklisted_at is not None:
            if family.revoked_at is None and family.current_jti != jti:
                if family.token_blacklisted_at > timezone.now() - gatehouse_settings.REFRESH_REUSE_GRACE:
                    raise RefreshTokenJustReplaced(family)
                raise RefreshTokenReused(family)
            raise TokenError(BLACKLISTED)
        if family.revoked_at is not None or family.expires_at <= timezone.now():
            raise TokenError(_("The token's session has ended."))
        self.family = family
        self.outstanding_id = family.outstanding_id

    def active_user(self) -> User:
        """The token's user (its family's, read with it); TokenError when inactive or not the token's."""
        user = self.family.user
        if str(getattr(user, api_settings.USER_ID_FIELD)) != str(self.get(api_settings.USER_ID_CLAIM)):
            raise TokenError(_("The token's user id is not valid."))
        if not api_settings.USER_AUTHENTICATION_RULE(user):
            raise TokenError(_("The token's user is inactive or deleted."))
        return user


def token_pair(refresh: RefreshToken, user: User, raw_refresh: str, token_version: int | None = None) -> TokenPair:
    """The pair made of `refresh` (signed as `raw_refresh`) and a fresh access token for `user`, its owner.

    With INSTANT_ACCESS_REVOCATION, the access token carries `token_version` (as read by
    access_token_version()), or the user's version now.
    """
    access = refresh.access_token
    access.payload.update(access_token_claims(user))
    if gatehouse_settings.INSTANT_ACCESS_REVOCATION:
        access[VERSION_CLAIM] = access_token_version(user) if token_version is None else token_version
    return TokenPair(
        access=str(access),
        refresh=raw_refresh,
        expires_in=int(AccessToken.lifetime.total_seconds()),
        access_expires_at=access["exp"],
        refresh_expires_at=refresh["exp"],
        session_id=str(access.get(SESSION_ID_CLAIM, "")),
    )


def access_token_version(user: User) -> int | None:
    """The token version new access tokens of `user` carry (one cache read); None without INSTANT_ACCESS_REVOCATION."""
    if not gatehouse_settings.INSTANT_ACCESS_REVOCATION:
        return None
    return current_token_version(user.pk)


def issue_tokens(user: User, request: HttpRequest | None = None, scenario: str = "") -> TokenPair:
    """A fresh pair for a user who has just authenticated by `scenario`: a new session, a new `jti` every time.

    Two INSERTs (the family and the outstanding token) and no read: `user` is the row
    the login has already loaded. Inactive users never get tokens; a caller that tries
    has skipped its own check.
    """
    if not user.is_active:
        raise ValueError("Tokens are never issued to an inactive user.")
    refresh = RefreshToken.for_user(user, scenario=scenario, client=Client.of(request))
    recent_session_uses.note(refresh.family.pk)
    return token_pair(refresh, user, refresh.issue())


def rotate_refresh_token(raw_refresh: str, request: HttpRequest | None = None) -> TokenPair:
    """Exchange a refresh token for a new pair of the same family; the one presented is refused from then on.

    Raises TokenError when the token is invalid, already used, its family is over, or
    its user is gone or inactive. A token its family had already replaced revokes the
    family first (and `refresh_reuse_detected` is sent with `request`), unless it was
    replaced less than REFRESH_REUSE_GRACE ago: then it is refused alone.

    The family moves on with one conditional UPDATE (compare-and-swap on its current
    `jti`): two requests racing with the same token cannot both succeed, since only one
    of them finds the token still current; the other is refused without revoking the
    family (a client that refreshed twice at once is not an attacker). The UPDATE's row
    lock also serializes this with revoke_family() and revoke_all_refresh_tokens(): a
    token minted here is either seen by a concurrent revocation or refused by it (see
    the module's lock order).
    """
    refresh = load_refresh_token(raw_refresh, request)
    user = refresh.active_user()
    if not api_settings.ROTATE_REFRESH_TOKENS:
        return token_pair(refresh, user, raw_refresh)
    family = refresh.family
    replaced_jti, replaced_outstanding_id = refresh[api_settings.JTI_CLAIM], refresh.outstanding_id
    # Read before the family row is locked: a revocation waiting for this rotation raises it afterwards.
    token_version = access_token_version(user)
    refresh.set_jti()
    refresh.set_exp()
    refresh.set_iat()
    # simplejwt's set_exp() slides the expiry; a family has an absolute end.
    refresh.limit_exp_to(family.expires_at)
    client = Client.of(request)
    now = timezone.now()
    with transaction.atomic():
        moved_on = RefreshFamily.objects.filter(
            pk=family.pk, current_jti=replaced_jti, revoked_at__isnull=True, expires_at__gt=now
        ).update(
            current_jti=refresh[api_settings.JTI_CLAIM], last_used_at=now, ip=client.ip, user_agent=client.user_agent
        )
        if not moved_on:
            raise TokenError(BLACKLISTED)
        family.current_jti = refresh[api_settings.JTI_CLAIM]
        recent_session_uses.note(family.pk)
        raw_rotated = refresh.issue()
        blacklist_replaced_token(replaced_outstanding_id, replaced_jti, raw_refresh, user)
    return token_pair(refresh, user, raw_rotated, token_version)


def blacklist_replaced_token(outstanding_id: int | None, jti: str, raw_token: str, user: User) -> None:
    """Blacklist the token a rotation replaced: one INSERT, as its outstanding row's id was read with its family."""
    if outstanding_id is None:
        # Tracked before this release, or its row deleted by hand: track it now, as simplejwt's blacklist() does.
        # simplejwt annotates the token argument as a Token; it is the encoded text.
        claims = RefreshToken(raw_token, verify=False)  # type: ignore[arg-type]
        outstanding, _created = OutstandingToken.objects.get_or_create(
            jti=jti,
            defaults={
                "user": user,
                "token": raw_token,
                "created_at": claims.current_time,
                "expires_at": datetime_from_epoch(claims["exp"]),
            },
        )
        outstanding_id = outstanding.pk
    BlacklistedToken.objects.create(token_id=outstanding_id)


def blacklist_refresh_token(raw_refresh: str, request: HttpRequest | None = None) -> User:
    """End the session of one refresh token (logout): revoke its family and blacklist the token; return its user.

    Raises TokenError when the token is forged, malformed, expired, not a refresh
    token, or already used (a replaced one revokes its family as reuse does). A refresh
    racing with this logout cannot keep the session alive: the family is locked first,
    and revoked whichever of the two got there first (the refresh's new token with it).
    A token replaced within REFRESH_REUSE_GRACE (the racing refresh won a moment ago)
    still logs out: its family ends with the token that replaced it.
    """
    try:
        refresh = load_refresh_token(raw_refresh, request)
    except RefreshTokenJustReplaced as replaced:
        revoke_family(replaced.family.pk, RefreshFamily.RevokedBecause.LOGOUT)
        return replaced.family.user
    revoke_family(
        refresh[FAMILY_CLAIM], RefreshFamily.RevokedBecause.LOGOUT, also_blacklist=refresh[api_settings.JTI_CLAIM]
    )
    return refresh.family.user


def load_refresh_token(raw_refresh: str, request: HttpRequest | None) -> RefreshToken:
    """The verified refresh token, with its family; on reuse of a replaced one, revoke its family, report it, and refuse.

    A token replaced within REFRESH_REUSE_GRACE raises RefreshTokenJustReplaced and changes nothing.
    """
    try:
        # simplejwt annotates the encoded token as a Token; it is the JWT's text.
        return RefreshToken(raw_refresh)  # type: ignore[arg-type]
    except RefreshTokenJustReplaced as replaced:
        logger.info("Refresh token used again within REFRESH_REUSE_GRACE: refused, family %s kept", replaced.family.pk)
        raise
    except RefreshTokenReused as reuse:
        family = revoke_family(reuse.family.pk, RefreshFamily.RevokedBecause.REUSE)
        if family is not None:
            logger.warning("Refresh token reuse: family %s of user %s revoked", family.pk, family.user_id)
            refresh_reuse_detected.send(sender=RefreshToken, request=request, user=family.user, family=family.pk)
        raise TokenError(BLACKLISTED) from None


def revoke_family(family_id: str, reason: str, also_blacklist: str | None = None) -> RefreshFamily | None:
    """Revoke a live family and blacklist its current refresh token (and the token `also_blacklist` names).

    Returns the family, or None if it was not live. The family row is locked first (not
    the user row read with it: see the module's lock order), so that a concurrent
    rotation either finished before (its new token is the one blacklisted here) or
    finds the family revoked.
    """
    with transaction.atomic():
        family = (
            RefreshFamily.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=family_id, revoked_at__isnull=True)
            .first()
        )
        if family is None:
            return None
        family.revoked_at = timezone.now()
        family.revoked_because = reason
        family.save(update_fields=["revoked_at", "revoked_because"])
        jtis = {family.current_jti} | ({also_blacklist} if also_blacklist else set())
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in OutstandingToken.objects.filter(jti__in=jtis)],
            ignore_conflicts=True,
        )
    return family


def revoke_all_refresh_tokens(user: User, keep_session: str | None = None) -> int:
    """Blacklist every unexpired refresh token of `user`; return how many were still usable.

    Used by `logout/all/`, and by anything that must end every session of a user
    (a password change or reset): every family of the user is revoked too. Access
    tokens already issued live out their short lifetime, unless TOKEN_USER_SOURCE=
    "database" or INSTANT_ACCESS_REVOCATION refuses them sooner.

    The user row is locked first (FOR NO KEY UPDATE, which the foreign-key checks of
    rotations do not wait for), so that two revocations of one user's families never
    lock them in different orders. The UPDATE of the families waits for any rotation
    in flight (which holds its family's row) and makes any later one fail; the tokens
    are listed after it, so a token that a rotation minted just before is among them.
    The token version is raised last (see the module's lock order).

    `keep_session` names a session that lives on (the one that changed the email): its
    refresh token stays usable, though its access tokens are refused with the others
    when INSTANT_ACCESS_REVOCATION is on (its client refreshes).
    """
    with transaction.atomic():
        get_user_model()._default_manager.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk").first()
        families = RefreshFamily.objects.filter(user_id=user.pk, revoked_at__isnull=True).exclude(pk=keep_session)
        families.update(revoked_at=timezone.now(), revoked_because=RefreshFamily.RevokedBecause.REVOKE_ALL)
        kept_tokens = RefreshFamily.objects.filter(pk=keep_session).values("current_jti")
        usable = list(
            OutstandingToken.objects.filter(
                user_id=user.pk,
                expires_at__gt=timezone.now(),
                blacklistedtoken__isnull=True,
            ).exclude(jti__in=kept_tokens)
        )
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in usable], ignore_conflicts=True
        )
    bump_token_version(user.pk)
    return len(usable)


def reauthenticate_session(user: User, session_id: Any, request: HttpRequest | None = None) -> TokenPair:
    """A fresh pair in the same session for a user who has just proven who they are again (`POST reauthenticate/`).

    The session's `authenticated_at` becomes now, so the new access token's `auth_time`
    is recent; its refresh token replaces the session's current one, which is
    blacklisted (a tab refreshing with it at the same moment gets the reuse grace).
    TokenError when the session is not a live one of `user`. The family row is locked
    first, then the token rows (the module's lock order).
    """
    now = timezone.now()
    client = Client.of(request)
    with transaction.atomic():
        family = (
            RefreshFamily.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=str(session_id), user_id=user.pk, revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if family is None:
            raise TokenError(_("The token's session has ended."))
        replaced_jti = family.current_jti
        refresh = RefreshToken.in_family(family)
        family.current_jti = refresh[api_settings.JTI_CLAIM]
        family.authenticated_at = family.last_used_at = now
        family.ip, family.user_agent = client.ip, client.user_agent
        family.save(update_fields=["current_jti", "authenticated_at", "last_used_at", "ip", "user_agent"])
        raw_refresh = refresh.issue()
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in OutstandingToken.objects.filter(jti=replaced_jti)],
            ignore_conflicts=True,
        )
    recent_session_uses.note(family.pk)
    return token_pair(refresh, user, raw_refresh)


def live_sessions(user_id: Any) -> QuerySet[RefreshFamily]:
    """The user's sessions that can still be used, newest first, each with `refresh_expires_at`.

    A session ends at its current refresh token's expiry (or its family's end, if earlier);
    one whose token has expired unused is over, though nothing revoked it.
    """
    now = timezone.now()
    current_token_expiry = OutstandingToken.objects.filter(jti=OuterRef("current_jti")).values("expires_at")[:1]
    return (
        RefreshFamily.objects.filter(user_id=user_id, revoked_at__isnull=True, expires_at__gt=now)
        .annotate(refresh_expires_at=Subquery(current_token_expiry))
        .filter(refresh_expires_at__gt=now)
        .order_by("-started_at")
    )


def end_session(user_id: Any, session_id: str) -> RefreshFamily | None:
    """End one live session of the user: its refresh token is refused, and its access tokens with the setting on.

    None when the user has no live session of that id (another user's included).
    """
    if not RefreshFamily.objects.filter(pk=session_id, user_id=user_id, revoked_at__isnull=True).exists():
        return None
    family = revoke_family(session_id, RefreshFamily.RevokedBecause.ENDED)
    if family is not None:
        mark_session_ended(family.pk)
    return family


class RecentSessionUses:
    """Which sessions this process has noted as used lately, so that a request writes `last_used_at` rarely.

    A session's row is written at most once per SESSION_LAST_USED_PRECISION by each
    process, and the UPDATE itself is conditional, so that across processes the row
    changes at most once per precision too. Bounded: past MAX_REMEMBERED sessions, the
    memory starts again (a few extra conditional UPDATEs).
    """

    MAX_REMEMBERED = 10_000

    def __init__(self) -> None:
        self._noted_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def note(self, session_id: str) -> bool:
        """Remember `session_id` as used now; whether it had not been noted within the precision."""
        now = time.monotonic()
        precision = gatehouse_settings.SESSION_LAST_USED_PRECISION.total_seconds()
        # Most requests stop here, without the lock: a dict read is atomic, and a stale answer costs one UPDATE.
        noted_at = self._noted_at.get(session_id)
        if noted_at is not None and now - noted_at < precision:
            return False
        with self._lock:
            noted_at = self._noted_at.get(session_id)
            if noted_at is not None and now - noted_at < precision:
                return False
            if len(self._noted_at) >= self.MAX_REMEMBERED:
                self._noted_at.clear()
            self._noted_at[session_id] = now
        return True

    def forget(self) -> None:
        with self._lock:
            self._noted_at.clear()


recent_session_uses = RecentSessionUses()


def note_session_use(sender: type, request: HttpRequest, token: Token, **kwargs: Any) -> None:
    """`access_token_authenticated` receiver: move the session's `last_used_at`, at most once per precision.

    No query on most requests; a conditional UPDATE (no row written if another process
    did it within the precision) on the first one of a session per precision.
    """
    session_id = token.get(SESSION_ID_CLAIM)
    if not isinstance(session_id, str) or not recent_session_uses.note(session_id):
        return
    now = timezone.now()
    RefreshFamily.objects.filter(
        pk=session_id, revoked_at__isnull=True, last_used_at__lt=now - gatehouse_settings.SESSION_LAST_USED_PRECISION
    ).update(last_used_at=now)


def exported_sessions(user: User) -> list[dict[str, Any]]:
    """Every session of `user` the table still holds, ended ones included, for the personal data export."""
    return [
        {
            "id": family.pk,
            "created_at": family.started_at.isoformat(),
            "authenticated_at": family.authenticated_at.isoformat(),
            "last_used_at": family.last_used_at.isoformat(),
            "expires_at": family.expires_at.isoformat(),
            "ended_at": family.revoked_at.isoformat() if family.revoked_at else None,
            "ended_because": family.revoked_because or None,
            "scenario": family.scenario,
            "ip": family.ip,
            "user_agent": family.user_agent,
        }
        for family in RefreshFamily.objects.filter(user_id=user.pk).order_by("-started_at")
    ]


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


def revoke_access_of_deactivated_user(sender: type, instance: User, created: bool, **kwargs: Any) -> None:
    """post_save receiver of the user model: a deactivated user's access tokens stop working (with the setting on)."""
    if not created and not instance.is_active:
        bump_token_version(instance.pk)


def end_sessions_of_deactivated_user(sender: type, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """`user_deactivated` receiver (the admin's deactivate action): every session of the user ends."""
    revoke_all_refresh_tokens(user)
