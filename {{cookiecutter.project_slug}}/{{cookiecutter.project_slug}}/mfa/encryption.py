"""TOTP secrets at rest: encrypted with the keys of GATEHOUSE["MFA_ENCRYPTION_KEYS"], which can rotate.

The keys are Fernet keys (AES-128-CBC with HMAC-SHA256) read from the environment
(`MFA_ENCRYPTION_KEYS`, comma-separated), never stored beside the data: a copy of the
database alone reveals no secret. cryptography's MultiFernet encrypts with the first key
and decrypts with any, so a rotation puts a new key first, runs `manage.py rotate_mfa_keys`
(which encrypts every secret again with it), then drops the old key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from ..authn.conf import gatehouse_settings


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys decrypts (its key was dropped too early)."""


def fernet() -> MultiFernet:
    """The configured keys, the first one encrypting; the system check `mfa.E001` vouches for them."""
    return MultiFernet([Fernet(key) for key in gatehouse_settings.MFA_ENCRYPTION_KEYS])


def encrypt(secret: str) -> str:
    """`secret` encrypted with the first key, as text for a database column."""
    return fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    """The secret that `encrypt()` gave `token` for; SecretUnreadable when no configured key opens it."""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable() from None


def reencrypt(token: str) -> str:
    """`token` encrypted again with the first key (what a rotation does to every stored secret)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable() from None
