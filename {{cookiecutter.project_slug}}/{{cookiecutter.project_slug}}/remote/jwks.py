"""Finding the public key that verifies a token, from the auth service's JWKS, cached for every process.

The key set lives in the Django cache, so that every worker of every machine shares
one copy and one fetch. It is fetched again when a token names a `kid` it does not
hold (the auth service has published a new key) or when it is older than
JWKS_REFRESH_AFTER (a key may have been retired), but never more than once per
JWKS_REFETCH_INTERVAL across all processes: a flood of tokens with made-up `kid`s
costs the auth service one request per interval. When a fetch fails, the last key
set fetched keeps verifying tokens for up to JWKS_CACHE_TTL.

Only keys for the pinned algorithm (SIMPLE_JWT["ALGORITHM"]) are kept, and of each
only its public members: the JWKS cannot turn this service into one that accepts
HMAC tokens or signs anything.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from typing import Any

import jwt
from django.core.cache import cache
from jwt import PyJWK, PyJWKClientError
from jwt.exceptions import PyJWKError, PyJWTError
from rest_framework_simplejwt import settings as simplejwt_settings

from ..authn.conf import gatehouse_settings
from .client import fetch_jwks
from .errors import AuthServiceUnavailable

logger = logging.getLogger(__name__)

JWKS_CACHE_KEY = "remote:jwks"
FETCH_LOCK_CACHE_KEY = "remote:jwks:fetch-lock"
# A `kid` is an RFC 7638 thumbprint (43 characters); anything much longer is hostile.
MAX_KID_LENGTH = 128
# The members a public key of each type needs, by the algorithm it verifies.
PUBLIC_MEMBERS = {"RS256": ("kty", "n", "e"), "EdDSA": ("kty", "crv", "x")}
KEY_TYPES = {"RS256": {"kty": "RSA"}, "EdDSA": {"kty": "OKP", "crv": "Ed25519"}}


def usable_public_keys(document: dict[str, Any], algorithm: str) -> dict[str, dict[str, str]]:
    """The keys of a JWKS document that verify `algorithm` signatures, by `kid`, reduced to their public members."""
    keys: dict[str, dict[str, str]] = {}
    for jwk in document.get("keys", []):
        if not isinstance(jwk, dict):
            continue
        kid = jwk.get("kid")
        if not isinstance(kid, str) or not 0 < len(kid) <= MAX_KID_LENGTH:
            continue
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", algorithm) != algorithm:
            continue
        if any(jwk.get(member) != value for member, value in KEY_TYPES[algorithm].items()):
            continue
        if not all(isinstance(jwk.get(member), str) for member in PUBLIC_MEMBERS[algorithm]):
            continue
        keys[kid] = {member: jwk[member] for member in PUBLIC_MEMBERS[algorithm]}
    return keys


@functools.lru_cache(maxsize=16)
def load_key(jwk_json: str, algorithm: str) -> PyJWK:
    """The PyJWK of a public JWK (as sorted JSON), pinned to `algorithm`; parsed once per process."""
    return PyJWK(json.loads(jwk_json), algorithm=algorithm)


class CachedJWKSClient:
    """simplejwt's `jwks_client` interface over the shared, rate-limited JWKS cache.

    Named by GATEHOUSE["JWKS_CLIENT"]; the token backend asks it for the key of every
    token it verifies. Failures raise PyJWKClientError, which simplejwt turns into an
    invalid token (401): without the key, a token is refused, never accepted.
    """

    def get_signing_key_from_jwt(self, token: str | bytes) -> PyJWK:
        """The key that verifies `token`, by the `kid` of its header."""
        try:
            header = jwt.get_unverified_header(token)
        except PyJWTError as error:
            raise PyJWKClientError("The token's header is not readable.") from error
        kid = header.get("kid")
        if not isinstance(kid, str) or not 0 < len(kid) <= MAX_KID_LENGTH:
            raise PyJWKClientError("The token names no usable key id.")
        return self.get_signing_key(kid)

    def get_signing_key(self, kid: str) -> PyJWK:
        """The key named `kid`, fetching the JWKS again when it is unknown or old, within the rate limit."""
        algorithm = simplejwt_settings.api_settings.ALGORITHM
        cached = cache.get(JWKS_CACHE_KEY)
        refresh_after = gatehouse_settings.JWKS_REFRESH_AFTER.total_seconds()
        if cached is None or kid not in cached["keys"] or time.time() - cached["fetched_at"] > refresh_after:
            cached = self.refetch(algorithm) or cached
        if cached is None or kid not in cached["keys"]:
            raise PyJWKClientError("No key of the auth service has this key id.")
        try:
            return load_key(json.dumps(cached["keys"][kid], sort_keys=True), algorithm)
        except PyJWKError as error:
            raise PyJWKClientError("The auth service's key cannot be loaded.") from error

    def refetch(self, algorithm: str) -> dict[str, Any] | None:
        """Fetch and cache the key set, unless another fetch happened within JWKS_REFETCH_INTERVAL; None if not fetched."""
        interval = gatehouse_settings.JWKS_REFETCH_INTERVAL.total_seconds()
        # cache.add is atomic: of all processes, one wins the interval and fetches.
        if not cache.add(FETCH_LOCK_CACHE_KEY, True, timeout=interval):
            return None
        try:
            document = fetch_jwks()
        except AuthServiceUnavailable:
            return None
        keys = usable_public_keys(document, algorithm)
        cached = {"keys": keys, "fetched_at": time.time()}
        cache.set(JWKS_CACHE_KEY, cached, timeout=gatehouse_settings.JWKS_CACHE_TTL.total_seconds())
        logger.info("Fetched the auth service's JWKS: key ids %s.", ", ".join(keys) or "none")
        return cached
