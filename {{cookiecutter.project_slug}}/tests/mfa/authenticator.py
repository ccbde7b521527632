"""A passkey authenticator in software, for the tests: what a browser and a security key would answer.

Each instance holds one credential: an EC P-256 key (COSE algorithm -7, ES256) and a sign
counter. `create()` answers creation options with a "none" attestation, `get()` answers
request options with a signed assertion, both as the JSON of a PublicKeyCredential
(`toJSON()`), which is what a page posts. test_passkey_authenticator.py checks it against
py_webauthn's own verification, so the API tests rest on an authenticator known to be right.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

ORIGIN = "http://testserver"
# Authenticator data flags (WebAuthn section 6.1): user present, user verified, attested credential data.
USER_PRESENT = 0x01
USER_VERIFIED = 0x04
ATTESTED_CREDENTIAL_DATA = 0x40
# "none" attestation: no authenticator model is named.
AAGUID = bytes(16)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftwareAuthenticator:
    """One discoverable credential: its key pair, its id, the user handle it was made for, and its counter."""

    def __init__(self, *, counts: bool = True) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.sign_count = 0
        # An authenticator may leave its counter at 0 for ever (many platform passkeys do).
        self.counts = counts
        self.user_handle: str | None = None

    def cose_public_key(self) -> bytes:
        """The credential's public key as a COSE_Key (EC2, P-256, ES256)."""
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def client_data(self, kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def create(self, options: dict[str, Any], *, origin: str = ORIGIN, rp_id: str | None = None) -> dict[str, Any]:
        """The answer of `navigator.credentials.create({publicKey: options})`."""
        self.user_handle = options["user"]["id"]
        rp_hash = hashlib.sha256((rp_id or options["rp"]["id"]).encode()).digest()
        flags = USER_PRESENT | USER_VERIFIED | ATTESTED_CREDENTIAL_DATA
        attested = AAGUID + struct.pack(">H", len(self.credential_id)) + self.credential_id + self.cose_public_key()
        authenticator_data = rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": authenticator_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(self.client_data("webauthn.create", options["challenge"], origin)),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def get(
        self,
        options: dict[str, Any],
        *,
        origin: str = ORIGIN,
        user_verified: bool = True,
        sign_count: int | None = None,
    ) -> dict[str, Any]:
        """The answer of `navigator.credentials.get({publicKey: options})`, signed with the credential's key."""
        if sign_count is not None:
            self.sign_count = sign_count
        elif self.counts:
            self.sign_count += 1
        rp_hash = hashlib.sha256(options["rpId"].encode()).digest()
        flags = USER_PRESENT | (USER_VERIFIED if user_verified else 0)
        authenticator_data = rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count)
        client_data = self.client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(authenticator_data),
                "signature": b64url(signature),
                "userHandle": self.user_handle,
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }
