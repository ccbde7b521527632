"""The JSON Web Key Set this auth service publishes: the public keys that verify its tokens.

The signing key's public half comes first, then every key of JWT_PUBLIC_KEYS
(GATEHOUSE["EXTRA_VERIFYING_KEYS"]): the next key, published before it signs, or the
previous one, kept until the tokens it signed have expired (docs/remote-split.md).
"""

from __future__ import annotations

from typing import Any

from rest_framework_simplejwt import settings as simplejwt_settings

from ..authn.keys import public_jwk, public_key_pem
from ..authn.tokens import extra_verifying_keys


def verifying_keys_pem() -> list[str]:
    """The PEM public keys that verify this service's tokens: the signing key's first, no key twice."""
    jwt_settings = simplejwt_settings.api_settings
    keys = [public_key_pem(jwt_settings.SIGNING_KEY), *extra_verifying_keys()]
    return list(dict.fromkeys(key.strip() + "\n" for key in keys))


def published_jwks() -> dict[str, list[dict[str, Any]]]:
    """The JWKS document (RFC 7517 section 5): each key with `kid`, `kty`, `alg`, `use` and public members only."""
    algorithm = simplejwt_settings.api_settings.ALGORITHM
    return {"keys": [public_jwk(key, algorithm) for key in verifying_keys_pem()]}
