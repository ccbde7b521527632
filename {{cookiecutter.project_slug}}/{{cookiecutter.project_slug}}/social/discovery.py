"""What a provider publishes about itself, fetched over HTTPS and kept in the shared cache.

The discovery document (`<issuer>/.well-known/openid-configuration`, OpenID Connect Discovery
1.0) is kept for GATEHOUSE["OIDC_DISCOVERY_TTL"]. The provider's signing keys (its `jwks_uri`)
are kept as long, and fetched again when an ID token names a `kid` they do not have (the
provider rotated its keys), at most once per OIDC_JWKS_REFETCH_INTERVAL across every process,
so that tokens with made-up `kid`s cannot make this service hammer the provider. Anything
that goes wrong talking to the provider is `ProviderUnavailable` (503 `provider_unavailable`).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import requests
from django.core.cache import cache
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..authn.conf import gatehouse_settings
from ..authn.errors import ProviderUnavailable
from .providers import Provider

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
CACHE_PREFIX = "social:oidc:"
# What a discovery document must give for the authorization code flow (Discovery 1.0 section 3).
REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


def fetch_json(provider: Provider, url: str, **headers: str) -> Any:
    """The JSON document at `url`; ProviderUnavailable when the provider does not answer with one."""
    try:
        response = requests.get(
            url,
            headers={"Accept": "application/json", **headers},
            timeout=gatehouse_settings.OIDC_HTTP_TIMEOUT.total_seconds(),
        )
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("OpenID Connect provider %s: GET %s failed: %s", provider.key, url, error)
        raise ProviderUnavailable() from error


def cache_key(provider: Provider, what: str) -> str:
    """A key that changes with the issuer, so that a provider pointed elsewhere starts afresh."""
    issuer = hashlib.sha256(provider.issuer.encode()).hexdigest()[:16]
    return f"{CACHE_PREFIX}{provider.key}:{issuer}:{what}"


def provider_metadata(provider: Provider) -> dict[str, Any]:
    """The provider's discovery document, from the cache or fetched."""
    key = cache_key(provider, "discovery")
    metadata = cache.get(key)
    if metadata is not None:
        return metadata
    metadata = fetch_json(provider, provider.issuer.rstrip("/") + DISCOVERY_PATH)
    if not isinstance(metadata, dict) or any(not isinstance(metadata.get(name), str) for name in REQUIRED_METADATA):
        logger.warning("OpenID Connect provider %s: the discovery document lacks %s", provider.key, REQUIRED_METADATA)
        raise ProviderUnavailable()
    if metadata["issuer"] != provider.issuer:
        # Discovery 1.0 section 4.3: a document for another issuer must not be used.
        logger.warning(
            "OpenID Connect provider %s: the discovery document is for %r, not %r",
            provider.key,
            metadata["issuer"],
            provider.issuer,
        )
        raise ProviderUnavailable()
    cache.set(key, metadata, timeout=gatehouse_settings.OIDC_DISCOVERY_TTL.total_seconds())
    return metadata


def has_key(jwks: dict[str, Any], kid: str | None) -> bool:
    """Whether the key set has a key with this `kid` (any key, for a token that names none)."""
    return any(kid is None or key.get("kid") == kid for key in jwks.get("keys", []) if isinstance(key, dict))


def verification_keys(provider: Provider, kid: str | None) -> KeySet:
    """The provider's signing keys, fetched again if none has `kid` and no fetch happened lately."""
    key = cache_key(provider, "jwks")
    jwks = cache.get(key)
    if jwks is None or not has_key(jwks, kid):
        # Taken by the one process that fetches this interval; without any keys there is nothing to wait for.
        may_fetch = cache.add(
            cache_key(provider, "jwks-fetched"),
            True,
            timeout=gatehouse_settings.OIDC_JWKS_REFETCH_INTERVAL.total_seconds(),
        )
        if may_fetch or jwks is None:
            jwks = fetch_json(provider, provider_metadata(provider)["jwks_uri"])
            if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
                logger.warning("OpenID Connect provider %s: its jwks_uri holds no key set", provider.key)
                raise ProviderUnavailable()
            cache.set(key, jwks, timeout=gatehouse_settings.OIDC_DISCOVERY_TTL.total_seconds())
    try:
        return KeySet.import_key_set(jwks)
    except (JoseError, ValueError, TypeError) as error:
        logger.warning("OpenID Connect provider %s: its key set cannot be read: %s", provider.key, error)
        raise ProviderUnavailable() from error
