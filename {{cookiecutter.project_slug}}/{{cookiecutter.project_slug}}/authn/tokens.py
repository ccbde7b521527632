"""Access tokens and how every token is verified: the key set, the token classes' base, the token version.

Every role verifies tokens: a standalone or auth service its own, a client service its
auth service's (through GATEHOUSE["JWKS_CLIENT"]). Issuing and rotating tokens belongs to
the sessions app, which builds on what is here.

The token classes are simplejwt's, with three changes: they verify through a backend that
also accepts GATEHOUSE["EXTRA_VERIFYING_KEYS"] (key rotation); each kind of token names
itself in its JOSE header (`typ`) and has an audience of its own, both signed and checked;
and a malformed time claim is a refused token rather than an exception.

Access tokens are RFC 9068 JWTs: header `typ: at+jwt`; `sub` (the user id), `iss`, `aud`,
`exp`, `iat`, `jti`, `auth_time` and `sid` (the session, OIDC's claim). Any JWT library given the JWKS, the issuer and the
API's audience, and checking `typ` as RFC 9068 section 4 asks, accepts them and refuses
every other token this issuer signs. With INSTANT_ACCESS_REVOCATION, access tokens also
carry the user's token version (`ver`), kept in the cache; the authentication class
refuses an access token whose version is no longer current, or whose session was ended
one by one (`DELETE sessions/<id>/` marks it in the cache for an access-token lifetime).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

import jwt
from django.core.cache import cache
from django.core.signals import setting_changed
from django.utils.translation import gettext
from jwt import PyJWKClientError
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt import tokens as simplejwt_tokens
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken, TokenError
from rest_framework_simplejwt.settings import api_settings

from .conf import SETTINGS_NAME, gatehouse_settings
from .errors import TokenNotValid
from .keys import key_id, public_key_pem, split_public_keys_pem

# The access token's token version (INSTANT_ACCESS_REVOCATION).
VERSION_CLAIM = "ver"
# When the user authenticated for the session the token belongs to (RFC 9068 section 2.2.1, OIDC Core 2).
AUTH_TIME_CLAIM = "auth_time"
# The JOSE `typ` of access tokens (RFC 9068 section 2.1).
ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 (a media type, not a secret)
# The session (refresh-token family) a token belongs to (OIDC Front-Channel Logout 1.0 section 3).
SESSION_ID_CLAIM = "sid"
TOKEN_VERSION_CACHE_PREFIX = "authn:token-version:"  # noqa: S105 (a cache key prefix, not a secret)
ENDED_SESSION_CACHE_PREFIX = "authn:ended-session:"


def media_type(jose_type: Any) -> str | None:
    """The media type a JOSE `typ` names (RFC 7515 section 4.1.9): `application/` implied, case ignored; None if not text."""
    if not isinstance(jose_type, str):
        return None
    jose_type = jose_type.lower()
    return jose_type if "/" in jose_type else f"application/{jose_type}"


def audience_with_suffix(audience: Any, suffix: str) -> Any:
    """SIMPLE_JWT["AUDIENCE"] (a string or several) with `suffix` appended to each: the audience of another kind of token."""
    if not suffix or audience is None:
        return audience
    if isinstance(audience, str):
        return f"{audience}{suffix}"
    return [f"{each}{suffix}" for each in audience]


class VerifiedTokens:
    """The access tokens this process has lately verified, by their text: what each decoded to.

    A client sends the same access token with every request for its lifetime. The text
    is the whole signed token, so only a token byte for byte the same as one whose
    signature was checked finds its payload here: nothing is trusted that was not
    verified. Every check after the decoding (the expiry with its leeway against the
    request's time, the token's type claim, revocation) runs on every request as before;
    what is skipped for GATEHOUSE["VERIFIED_ACCESS_TOKEN_TTL"] is the decoding and the
    signature. A key withdrawn meanwhile (a client service's JWKS) stops a remembered
    token within that time. Bounded: past MAX_REMEMBERED tokens, the memory starts again.
    """

    MAX_REMEMBERED = 2_000
    # Seconds that only ever move forward (tests move them on).
    clock = staticmethod(time.monotonic)

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._payloads: dict[Any, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, token: Any) -> dict[str, Any] | None:
        """A copy of what `token` decoded to, if it was verified less than the TTL ago; else None."""
        kept = self._payloads.get(token)
        if kept is None or self.clock() >= kept[0]:
            return None
        return dict(kept[1])

    def keep(self, token: Any, payload: dict[str, Any]) -> None:
        """Remember that `token` has just been verified and decoded to `payload`."""
        with self._lock:
            if len(self._payloads) >= self.MAX_REMEMBERED:
                self._payloads.clear()
            self._payloads[token] = (self.clock() + self.ttl, dict(payload))


class KeySetTokenBackend(TokenBackend):
    """simplejwt's backend for one kind of token: it types them, verifies with further public keys, and names its key.

    Every token it signs carries `jose_type` as its header's `typ`, and it accepts only
    tokens that do (RFC 8725 section 3.11), so that one kind of token is never taken for
    another, by this project or by any verifier that checks `typ`.

    An issuer that rotates its signing key publishes the new key next to the old
    one for a while; a token is accepted when any of the keys verifies it. Tokens
    signed with a key pair carry the key's `kid` (its RFC 7638 thumbprint) in their
    header, so that a verifier holding several keys knows which one to use. A
    `jwks_client` (GATEHOUSE["JWKS_CLIENT"]) replaces simplejwt's PyJWKClient.
    """

    def __init__(
        self,
        *args: Any,
        jose_type: str,
        extra_verifying_keys: list[str] | tuple[str, ...] = (),
        jwks_client: Any = None,
        verified: VerifiedTokens | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.jose_type = jose_type
        self.verified = verified
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
        """simplejwt's encode, with the token's `typ` and the signing key's `kid` in the header."""
        jwt_payload = payload.copy()
        if self.audience is not None:
            jwt_payload["aud"] = self.audience
        if self.issuer is not None:
            jwt_payload["iss"] = self.issuer
        headers = {"typ": self.jose_type, **({"kid": self.signing_kid} if self.signing_kid else {})}
        return jwt.encode(
            jwt_payload,
            self.prepared_signing_key,
            algorithm=self.algorithm,
            json_encoder=self.json_encoder,
            headers=headers,
        )

    def decode(self, token: Any, verify: bool = True) -> dict[str, Any]:
        """The verified payload of `token`, checked against each key in turn; a token of another `typ` is refused.

        The header is read once, for its `typ` and, with a JWKS client, its `kid`; then the
        token is decoded once.
        """
        if not verify:
            return super().decode(token, verify=False)
        if self.verified is not None:
            payload = self.verified.get(token)
            if payload is None:
                payload = self.verify_and_decode(token)
                self.verified.keep(token, payload)
            return payload
        return self.verify_and_decode(token)

    def verify_and_decode(self, token: Any) -> dict[str, Any]:
        """The payload of `token` once its type, signature, pinned algorithm, `exp`, `iss` and `aud` are checked."""
        header = self.checked_header(token)
        try:
            return self.decode_with(token, self.verifying_key_for(token, header))
        except TokenBackendExpiredToken:
            # The signature was good: another key would not make the token younger.
            raise
        except TokenBackendError:
            for backend in self.extra_backends:
                try:
                    return backend.decode(token)
                except TokenBackendError:
                    continue
            raise

    def verifying_key_for(self, token: Any, header: dict[str, Any]) -> Any:
        """The key that verifies `token`: the JWKS client's for the header's `kid`, else the configured one."""
        if self.jwks_client is None or self.algorithm.startswith("HS"):
            return self.get_verifying_key(token)
        try:
            return self.jwks_client.get_signing_key(header.get("kid", "")).key
        except PyJWKClientError as error:
            raise TokenBackendError(gettext("Token is invalid")) from error

    def decode_with(self, token: Any, key: Any) -> dict[str, Any]:
        """simplejwt's verification of `token` with `key`: signature, pinned algorithm, `exp`, `iss`, `aud`."""
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.get_leeway(),
                options={"verify_aud": self.audience is not None, "verify_signature": True},
            )
        except jwt.InvalidAlgorithmError as error:
            raise TokenBackendError(gettext("Invalid algorithm specified")) from error
        except jwt.ExpiredSignatureError as error:
            raise TokenBackendExpiredToken(gettext("Token is expired")) from error
        except jwt.InvalidTokenError as error:
            raise TokenBackendError(gettext("Token is invalid")) from error

    def checked_header(self, token: Any) -> dict[str, Any]:
        """The token's JOSE header; TokenBackendError when it is unreadable or its `typ` is not this backend's."""
        header = unverified_header(token)
        if media_type(header.get("typ")) != media_type(self.jose_type):
            raise TokenBackendError(gettext("Token has wrong type"))
        return header


def unverified_header(token: Any) -> dict[str, Any]:
    """The JOSE header of a compact JWS, unverified; TokenBackendError when it is not a JSON object.

    Only the first segment is decoded: PyJWT's get_unverified_header would decode and
    check the whole token, which its verification does again. What is read here only
    chooses the key and refuses other types; the signature is checked over the token as sent.
    """
    text = token.decode("ascii", errors="replace") if isinstance(token, bytes) else str(token)
    segment, dot, _rest = text.partition(".")
    if not dot:
        raise TokenBackendError(gettext("Token is invalid"))
    try:
        # Text to json.loads, which would otherwise guess the encoding of bytes.
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode())
    except (ValueError, binascii.Error) as error:
        raise TokenBackendError(gettext("Token is invalid")) from error
    if not isinstance(header, dict):
        raise TokenBackendError(gettext("Token is invalid"))
    return header


@functools.cache
def get_token_backend(jose_type: str = ACCESS_TOKEN_TYPE, audience_suffix: str = "") -> KeySetTokenBackend:
    """The backend that signs and verifies one kind of token, built from SIMPLE_JWT and GATEHOUSE on first use.

    The kind is its JOSE `typ` and its audience: SIMPLE_JWT["AUDIENCE"] for access
    tokens, with `audience_suffix` appended for the tokens that only the issuer reads.
    With a key pair, settings give only the private key (SIGNING_KEY): its public half
    verifies, unless VERIFYING_KEY names another. A service that holds no signing key
    (a client service) verifies with the keys of its JWKS_CLIENT.
    """
    # Looked up through the module: simplejwt replaces the object when SIMPLE_JWT is overridden.
    jwt_settings = simplejwt_settings.api_settings
    verifying_key = jwt_settings.VERIFYING_KEY
    if not verifying_key and jwt_settings.SIGNING_KEY and not jwt_settings.ALGORITHM.startswith("HS"):
        verifying_key = public_key_pem(jwt_settings.SIGNING_KEY, "SIMPLE_JWT['SIGNING_KEY']")
    return KeySetTokenBackend(
        jwt_settings.ALGORITHM,
        jwt_settings.SIGNING_KEY,
        verifying_key,
        audience_with_suffix(jwt_settings.AUDIENCE, audience_suffix),
        jwt_settings.ISSUER,
        jwt_settings.JWK_URL,
        jwt_settings.LEEWAY,
        jwt_settings.JSON_ENCODER,
        jose_type=jose_type,
        extra_verifying_keys=extra_verifying_keys(),
        jwks_client=gatehouse_settings.JWKS_CLIENT() if gatehouse_settings.JWKS_CLIENT else None,
        verified=verified_tokens() if jose_type == ACCESS_TOKEN_TYPE else None,
    )


def verified_tokens() -> VerifiedTokens | None:
    """The memory of verified access tokens, or None when VERIFIED_ACCESS_TOKEN_TTL is 0."""
    ttl = gatehouse_settings.VERIFIED_ACCESS_TOKEN_TTL.total_seconds()
    return VerifiedTokens(ttl) if ttl > 0 else None


def extra_verifying_keys() -> list[str]:
    """GATEHOUSE["EXTRA_VERIFYING_KEYS"]: a list of PEM public keys, or one text holding several (JWT_PUBLIC_KEYS)."""
    keys = gatehouse_settings.EXTRA_VERIFYING_KEYS
    if isinstance(keys, str):
        return split_public_keys_pem(keys, "GATEHOUSE['EXTRA_VERIFYING_KEYS']", required=False)
    return list(keys)


def reset_token_backend(*, setting: str, **kwargs: Any) -> None:
    """Rebuild the backend after `override_settings(SIMPLE_JWT=...)` or `(GATEHOUSE=...)` in tests."""
    if setting in ("SIMPLE_JWT", SETTINGS_NAME):
        get_token_backend.cache_clear()


setting_changed.connect(reset_token_backend)


class GatehouseTokenMixin:
    """What this project's tokens change in simplejwt's: the backend of their kind, and strict time claims."""

    # The JOSE header's `typ` of this kind of token, and what its `aud` adds to SIMPLE_JWT["AUDIENCE"].
    jose_type: ClassVar[str]
    audience_suffix: ClassVar[str] = ""

    @property
    def token_backend(self) -> TokenBackend:
        return get_token_backend(self.jose_type, self.audience_suffix)

    def check_exp(self, claim: str = "exp", current_time: datetime | None = None) -> None:
        """Refuse a token whose time claim has passed or is not a number (simplejwt would raise TypeError)."""
        try:
            super().check_exp(claim, current_time)  # type: ignore[misc]
        except (TypeError, ValueError, OverflowError, OSError) as error:
            raise TokenError(f"Token '{claim}' claim is not a timestamp") from error


class AccessToken(GatehouseTokenMixin, simplejwt_tokens.AccessToken):
    """A short-lived token that authenticates requests (SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]): an RFC 9068 JWT.

    `sub` is the user id (SIMPLE_JWT["USER_ID_CLAIM"]); the refresh token that makes it
    adds `auth_time`. There is no `client_id`: the tokens go to this project's own
    frontends, not to OAuth clients.
    """

    jose_type = ACCESS_TOKEN_TYPE


@dataclass(frozen=True)
class TokenPair:
    """A signed access token and refresh token, as a client receives them."""

    access: str
    refresh: str
    # Seconds until the access token expires: what clients schedule their refresh by.
    expires_in: int
    # The `exp` of each token (seconds since the epoch), carried so that nothing decodes what was just signed.
    access_expires_at: int
    refresh_expires_at: int
    # The session (refresh-token family) the pair belongs to: its `sid` claim.
    session_id: str = ""


def token_version_key(user_id: Any) -> str:
    return f"{TOKEN_VERSION_CACHE_PREFIX}{user_id}"


def current_token_version(user_id: Any) -> int:
    """The user's token version (0 until the first revocation): what new access tokens carry as `ver`."""
    return int(cache.get(token_version_key(user_id), 0))


def access_token_reach() -> timedelta:
    """How long after its issue an access token may still be accepted: its lifetime and the leeway."""
    leeway = api_settings.LEEWAY
    return api_settings.ACCESS_TOKEN_LIFETIME + (
        leeway if isinstance(leeway, timedelta) else timedelta(seconds=leeway)
    )


def ended_session_key(session_id: Any) -> str:
    return f"{ENDED_SESSION_CACHE_PREFIX}{session_id}"


def mark_session_ended(session_id: str) -> None:
    """Refuse the access tokens of one ended session at once, when INSTANT_ACCESS_REVOCATION is on.

    The mark outlives every access token the session can have issued, then expires.
    """
    if not gatehouse_settings.INSTANT_ACCESS_REVOCATION:
        return
    cache.set(ended_session_key(session_id), True, timeout=int(access_token_reach().total_seconds()) + 1)


def check_token_version(access: simplejwt_tokens.Token) -> None:
    """Refuse (TokenNotValid) an access token whose `ver` is not the user's current token version, or whose session ended.

    One cache round trip per authenticated request, and only with INSTANT_ACCESS_REVOCATION;
    a cache that is down raises, and the request gets 503 rather than a pass.
    """
    if not gatehouse_settings.INSTANT_ACCESS_REVOCATION:
        return
    version_key = token_version_key(access.get(api_settings.USER_ID_CLAIM))
    session_key = ended_session_key(access.get(SESSION_ID_CLAIM))
    found = cache.get_many([version_key, session_key])
    if access.get(VERSION_CLAIM) != int(found.get(version_key, 0)) or found.get(session_key):
        raise TokenNotValid(gettext("The token has been revoked."))
