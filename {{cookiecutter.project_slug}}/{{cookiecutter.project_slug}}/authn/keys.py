"""JWT key material from PEM text: loading, public halves, JWKs and their `kid`s, new keys.

The settings read keys from the environment as PEM text and store it as is; the token
backend (authn/tokens.py), the system checks, the JWKS and `manage.py jwt_keys` turn that
text into keys here. A key that does not load fails with ImproperlyConfigured naming
the setting or variable that holds it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes
from django.core.exceptions import ImproperlyConfigured
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

PUBLIC_KEY_PEM_PATTERN = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)
# The members of a public JWK that its RFC 7638 thumbprint covers, by key type.
THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}
# RS256 keys below this size are refused (RFC 7518 section 3.3 asks for 2048 bits at least).
MINIMUM_RSA_KEY_BITS = 2048


def load_private_key(pem: str, variable: str) -> PrivateKeyTypes:
    """The private key in `pem`; ImproperlyConfigured naming `variable` when it is not one."""
    try:
        return serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            f"{variable} must hold an unencrypted PEM private key (PKCS #8, as scripts/write_env_file.py writes)."
        ) from error


def load_public_key(pem: str, variable: str) -> PublicKeyTypes:
    """The public key in `pem`; ImproperlyConfigured naming `variable` when it is not one."""
    try:
        return serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"{variable} must hold PEM public keys (-----BEGIN PUBLIC KEY-----...).") from error


def public_key_pem(private_key_pem: str, variable: str = "JWT_PRIVATE_KEY") -> str:
    """The PEM public half of a PEM private key: tokens are verified with it, never with the private key."""
    public_key = load_private_key(private_key_pem, variable).public_key()
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def split_public_keys_pem(text: str, variable: str = "JWT_PUBLIC_KEYS", *, required: bool = True) -> list[str]:
    """Every PEM public key in `text`, in order; at least one unless not `required`, each checked to load.

    Several keys let a service accept the tokens of two signing keys while the
    issuer rotates from one to the other.
    """
    keys = PUBLIC_KEY_PEM_PATTERN.findall(text)
    if not keys and (required or text.strip()):
        raise ImproperlyConfigured(
            f"{variable} must hold at least one PEM public key (-----BEGIN PUBLIC KEY-----...)."
        )
    for key in keys:
        load_public_key(key, variable)
    return [f"{key}\n" for key in keys]


def generate_private_key_pem(algorithm: str, rsa_key_bits: int = 3072) -> str:
    """A new PKCS#8 PEM private key for RS256 (RSA) or EdDSA (Ed25519)."""
    if algorithm == "RS256":
        key: PrivateKeyTypes = rsa.generate_private_key(public_exponent=65537, key_size=rsa_key_bits)
    elif algorithm == "EdDSA":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        raise ValueError(f"{algorithm} does not sign with a key pair.")
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_jwk(public_key_pem: str, algorithm: str) -> dict[str, Any]:
    """The public JWK (RFC 7517) of a PEM public key, as a JWKS publishes it: `kid`, `alg`, `use`.

    Built from the public key alone, so it can hold no private member (`d`, `p`, `q`...).
    """
    public_key = load_public_key(public_key_pem, "the public key")
    if isinstance(public_key, rsa.RSAPublicKey) and algorithm == "RS256":
        jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    elif isinstance(public_key, ed25519.Ed25519PublicKey) and algorithm == "EdDSA":
        jwk = OKPAlgorithm.to_jwk(public_key, as_dict=True)
    else:
        raise ImproperlyConfigured(f"A {type(public_key).__name__} cannot verify {algorithm} tokens.")
    public_members = {name: jwk[name] for name in THUMBPRINT_MEMBERS[jwk["kty"]]}
    return {**public_members, "kid": jwk_thumbprint(public_members), "alg": algorithm, "use": "sig"}


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public JWK, base64url without padding: the key's `kid`.

    Derived from the key itself, so every process and every service names a key alike
    with nothing to configure, and a `kid` can never point at another key.
    """
    members = {name: jwk[name] for name in THUMBPRINT_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


def key_id(public_key_pem: str, algorithm: str) -> str:
    """The `kid` of a PEM public key: its RFC 7638 thumbprint."""
    return public_jwk(public_key_pem, algorithm)["kid"]
