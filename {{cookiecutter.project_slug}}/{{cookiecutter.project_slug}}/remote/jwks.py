"""Finding the public key that verifies a token, from the auth service's JWKS, cached for every process.

The key set lives in the Django cache, so that every worker of every machine shares
one copy and one fetch; each process keeps the keys it parsed from it, and reads the
cache again only for a `kid` it does not hold or after JWKS_REFETCH_INTERVAL. The key
set is fetched again when a token names a `kid` it does not
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
import secrets
import threading
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
# The fetch lock's value once the fetch that took it has failed (else it names the fetch).
FAILED_FETCH = "failed"
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
    """simplejwt's `jwks_client` interface over the shared, rate-limited JWKS cache, with the keys parsed per process.

    Named by GATEHOUSE["JWKS_CLIENT"]; the token backend asks it for the key of every
    token it verifies. Each process holds the parsed keys of the last key set it read
    from the shared cache, and reads that cache again only for a `kid` it does not hold
    or once the copy is JWKS_REFETCH_INTERVAL old: a request whose `kid` is known costs
    no cache read and no parsing.

    While one request fetches the key set, the requests that need it too wait for that
    fetch (at most JWKS_FETCH_TIMEOUT) instead of being refused: a service that starts
    under load serves its first requests. Failures raise PyJWKClientError, which
    simplejwt turns into an invalid token (401): without the key, a token is refused,
    never accepted.
    """

    # How often a request waiting for another's fetch looks at the shared cache.
    WAIT_POLL_SECONDS = 0.02

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.keys: dict[str, PyJWK] = {}
        # time.monotonic() of the last read of the shared cache; None before the first.
        self.read_at: float | None = None

    def get_signing_key_from_jwt(self, token: str | bytes) -> PyJWK:
        """The key that verifies `token`, by the `kid` of its header."""
        try:
            header = jwt.get_unverified_header(token)
        except PyJWTError as error:
            raise PyJWKClientError("The token's header is not readable.") from error
        return self.get_signing_key(header.get("kid"))

    def get_signing_key(self, kid: Any) -> PyJWK:
        """The key named `kid`, from this process's copy, else the shared cache, else a fetch within the rate limit."""
        if not isinstance(kid, str) or not 0 < len(kid) <= MAX_KID_LENGTH:
            raise PyJWKClientError("The token names no usable key id.")
        interval = gatehouse_settings.JWKS_REFETCH_INTERVAL.total_seconds()
        key = self.keys.get(kid)
        if key is not None and self.read_at is not None and time.monotonic() - self.read_at < interval:
            return key
        with self.lock:
            self.load(kid)
        key = self.keys.get(kid)
        if key is None:
            raise PyJWKClientError("No key of the auth service has this key id.")
        return key

    def load(self, kid: str) -> None:
        """Replace this process's keys with the shared key set, fetched again when it lacks `kid` or is old."""
        algorithm = simplejwt_settings.api_settings.ALGORITHM
        cached = cache.get(JWKS_CACHE_KEY)
        refresh_after = gatehouse_settings.JWKS_REFRESH_AFTER.total_seconds()
        if cached is None or kid not in cached["keys"] or time.time() - cached["fetched_at"] > refresh_after:
            cached = self.refetch(algorithm) or self.wait_for_fetch() or cached
        self.read_at = time.monotonic()
        if cached is None:
            self.keys = {}
            return
        keys = {}
        for each_kid, jwk in cached["keys"].items():
            try:
                keys[each_kid] = load_key(json.dumps(jwk, sort_keys=True), algorithm)
            except PyJWKError:
                logger.warning("The auth service's key %s cannot be loaded.", each_kid)
        self.keys = keys

    def refetch(self, algorithm: str) -> dict[str, Any] | None:
        """Fetch and cache the key set, unless another fetch happened within JWKS_REFETCH_INTERVAL; None if not fetched."""
        interval = gatehouse_settings.JWKS_REFETCH_INTERVAL.total_seconds()
        fetch_id = secrets.token_hex(8)
        # cache.add is atomic: of all processes, one wins the interval and fetches. The lock's value
        # names the fetch, so that the others know when its key set is in the cache (wait_for_fetch).
        if not cache.add(FETCH_LOCK_CACHE_KEY, fetch_id, timeout=interval):
            return None
        try:
            document = fetch_jwks()
        except AuthServiceUnavailable:
            # The interval still holds, but nobody waits for this fetch any more.
            cache.set(FETCH_LOCK_CACHE_KEY, FAILED_FETCH, timeout=interval)
            return None
        keys = usable_public_keys(document, algorithm)
        cached = {"keys": keys, "fetched_at": time.time(), "fetch": fetch_id}
        cache.set(JWKS_CACHE_KEY, cached, timeout=gatehouse_settings.JWKS_CACHE_TTL.total_seconds())
        logger.info("Fetched the auth service's JWKS: key ids %s.", ", ".join(keys) or "none")
        return cached

    def wait_for_fetch(self) -> dict[str, Any] | None:
        """The key set of the fetch another request is making, once it is cached; None if none is under way.

        Waits at most JWKS_FETCH_TIMEOUT (the longest that fetch can take). A fetch that
        ended within the interval, or failed, is not waited for.
        """
        fetch_id = cache.get(FETCH_LOCK_CACHE_KEY)
        if fetch_id is None or fetch_id == FAILED_FETCH:
            return None
        deadline = time.monotonic() + gatehouse_settings.JWKS_FETCH_TIMEOUT.total_seconds()
        while True:
            cached = cache.get(JWKS_CACHE_KEY)
            if cached is not None and cached.get("fetch") == fetch_id:
                return cached
            if time.monotonic() >= deadline or cache.get(FETCH_LOCK_CACHE_KEY) != fetch_id:
                return None
            time.sleep(self.WAIT_POLL_SECONDS)
