"""Passkeys (WebAuthn Level 3, with py_webauthn): registration, assertion, and the sign counter.

The relying party is GATEHOUSE["WEBAUTHN_RP_ID"] (the site's domain), and ceremonies are
accepted only from the origins of GATEHOUSE["WEBAUTHN_ORIGINS"]; both come from the
environment. Every ceremony has a fresh challenge of 32 random bytes kept on the server:
a registration's or a reauthentication's in the cache under the user for
WEBAUTHN_CHALLENGE_TTL, a login's assertion's in its flow. A challenge is used once. Credentials are registered as discoverable
(resident) keys, so that a login can start without an email (usernameless), and so that
the `mfa` step can ask for any passkey without listing the account's credentials.

An assertion's sign counter must grow when the authenticator counts (a cloned key would
repeat a value); the new value is stored by a conditional UPDATE, so two assertions with
the same counter cannot both pass.
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..authn.conf import gatehouse_settings
from ..authn.errors import PasskeyChallengeExpired, PasskeyInvalid, PasskeyRegistrationInvalid
from .factors import PASSKEY, factor_added, factor_removed
from .models import Passkey

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ..users.models import User

CHALLENGE_BYTES = 32
# The ceremonies whose challenge waits in the cache, under the user, until the browser answers.
REGISTRATION = "registration"
REAUTHENTICATION = "reauthentication"
CACHE_PREFIX = "mfa:passkey-challenge:"
USER_HANDLE_SALT = "mfa.passkey-user-handle"
# How long the browser shows its dialog, in milliseconds.
CEREMONY_TIMEOUT_MS = 300_000


def rp_name() -> str:
    """The relying party's name, as the browser's dialog shows it."""
    return gatehouse_settings.WEBAUTHN_RP_NAME or gatehouse_settings.SITE_NAME or gatehouse_settings.WEBAUTHN_RP_ID


def user_handle(user: User) -> bytes:
    """The WebAuthn user handle of `user`: opaque (a keyed hash of the id), so authenticators never hold the id."""
    return salted_hmac(USER_HANDLE_SALT, str(user.pk), algorithm="sha256").digest()


def challenge_cache_key(ceremony: str, user: User) -> str:
    """The cache key of the user's pending challenge of `ceremony` (REGISTRATION or REAUTHENTICATION)."""
    return f"{CACHE_PREFIX}{ceremony}:{user.pk}"


def keep_challenge(ceremony: str, user: User) -> bytes:
    """A fresh challenge of `ceremony` for `user`, kept for WEBAUTHN_CHALLENGE_TTL; asking again replaces it."""
    challenge = new_challenge()
    ttl = gatehouse_settings.WEBAUTHN_CHALLENGE_TTL.total_seconds()
    cache.set(challenge_cache_key(ceremony, user), challenge, timeout=max(1, int(ttl)))
    return challenge


def take_challenge(ceremony: str, user: User) -> bytes:
    """The pending challenge of `ceremony` for `user`, forgotten as it is read; PasskeyChallengeExpired if none."""
    key = challenge_cache_key(ceremony, user)
    challenge = cache.get(key)
    if challenge is None or not cache.delete(key):
        # Gone, or taken by a concurrent request between the two calls.
        raise PasskeyChallengeExpired()
    return bytes(challenge)


def registration_options(user: User) -> dict[str, Any]:
    """Creation options with a fresh challenge, kept for WEBAUTHN_CHALLENGE_TTL; asking again replaces it."""
    challenge = keep_challenge(REGISTRATION, user)
    existing = Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
    options = generate_registration_options(
        rp_id=gatehouse_settings.WEBAUTHN_RP_ID,
        rp_name=rp_name(),
        user_name=user.get_username(),
        user_id=user_handle(user),
        user_display_name=user.get_full_name() or user.get_username(),
        challenge=challenge,
        timeout=CEREMONY_TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=bytes(credential_id)) for credential_id in existing],
    )
    return dict(json.loads(options_to_json(options)))


def register(request: HttpRequest, user: User, credential: dict[str, Any], name: str) -> Passkey:
    """Verify a registration answer to the user's pending challenge and keep the new passkey."""
    challenge = take_challenge(REGISTRATION, user)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=gatehouse_settings.WEBAUTHN_RP_ID,
            expected_origin=list(gatehouse_settings.WEBAUTHN_ORIGINS),
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise PasskeyRegistrationInvalid() from None
    with transaction.atomic():
        if Passkey.objects.filter(credential_id=verified.credential_id).exists():
            raise PasskeyRegistrationInvalid()
        passkey = Passkey.objects.create(
            user=user,
            name=name,
            credential_id=verified.credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
        )
        factor_added(request, user, PASSKEY)
    return passkey


def delete(request: HttpRequest, user: User, passkey_id: int) -> bool:
    """Delete a passkey of `user`; False when `user` has none with this id."""
    with transaction.atomic():
        deleted, _ = Passkey.objects.filter(user=user, pk=passkey_id).delete()
        if deleted:
            factor_removed(request, user, PASSKEY)
    return bool(deleted)


def new_challenge() -> bytes:
    """A fresh assertion challenge (kept in the flow that asks for it)."""
    return secrets.token_bytes(CHALLENGE_BYTES)


def authentication_options(challenge: bytes, *, user: User | None = None) -> dict[str, Any]:
    """Request options for a passkey of this relying party.

    In a login, no credential is listed (any discoverable passkey answers), so the answer says
    nothing of which account has which passkey. A reauthentication lists the passkeys of the
    signed-in `user`, so that the browser offers only theirs.
    """
    allowed = [] if user is None else Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
    options = generate_authentication_options(
        rp_id=gatehouse_settings.WEBAUTHN_RP_ID,
        challenge=challenge,
        timeout=CEREMONY_TIMEOUT_MS,
        allow_credentials=[PublicKeyCredentialDescriptor(id=bytes(credential_id)) for credential_id in allowed],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return dict(json.loads(options_to_json(options)))


def reauthentication_options(user: User) -> dict[str, Any]:
    """Request options with a fresh challenge for `reauthenticate/`, kept for WEBAUTHN_CHALLENGE_TTL."""
    return authentication_options(keep_challenge(REAUTHENTICATION, user), user=user)


def reauthenticate(user: User, credential: dict[str, Any]) -> Passkey:
    """Check a passkey assertion of `user` against their pending reauthentication challenge; PasskeyInvalid if
    it is wrong or not theirs, PasskeyChallengeExpired when no challenge waits."""
    challenge = take_challenge(REAUTHENTICATION, user)
    passkey = credential_passkey(credential)
    if passkey is None or passkey.user_id != user.pk:
        raise PasskeyInvalid()
    return verify_assertion(credential, challenge, passkey=passkey, require_user_verification=False)


def credential_passkey(credential: dict[str, Any]) -> Passkey | None:
    """The registered passkey whose id an assertion names, or None."""
    raw_id = credential.get("rawId")
    if not isinstance(raw_id, str):
        return None
    try:
        credential_id = base64url_to_bytes(raw_id)
    except (ValueError, TypeError):
        return None
    return Passkey.objects.select_related("user").filter(credential_id=credential_id).first()


def verify_assertion(
    credential: dict[str, Any], challenge: bytes, *, passkey: Passkey | None, require_user_verification: bool
) -> Passkey:
    """Check an assertion of `passkey` against `challenge`; store its sign counter. PasskeyInvalid otherwise."""
    if passkey is None:
        raise PasskeyInvalid()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=gatehouse_settings.WEBAUTHN_RP_ID,
            expected_origin=list(gatehouse_settings.WEBAUTHN_ORIGINS),
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=require_user_verification,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise PasskeyInvalid() from None
    # Atomic: of two assertions that passed against the same stored counter, one moves it.
    moved = Passkey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
        sign_count=verified.new_sign_count, last_used_at=timezone.now()
    )
    if not moved:
        raise PasskeyInvalid()
    return passkey
