"""System checks of the mfa app: the keys that encrypt TOTP secrets, and the passkeys' relying party."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.core import checks

from ..authn.conf import gatehouse_settings


@checks.register(checks.Tags.security)
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """mfa.E001: GATEHOUSE["MFA_ENCRYPTION_KEYS"] must hold at least one valid Fernet key."""
    keys = gatehouse_settings.MFA_ENCRYPTION_KEYS
    hint = (
        "Set MFA_ENCRYPTION_KEYS to one or more comma-separated Fernet keys, made with "
        '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.'
    )
    if not isinstance(keys, list | tuple) or not keys:
        return [checks.Error("No key encrypts the TOTP secrets.", hint=hint, id="mfa.E001")]
    for position, key in enumerate(keys):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            return [
                checks.Error(
                    f"Key {position + 1} of MFA_ENCRYPTION_KEYS is not a Fernet key.", hint=hint, id="mfa.E001"
                )
            ]
    return []


@checks.register(checks.Tags.security)
def check_relying_party(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """mfa.E002: passkeys need a relying party id and origins on that domain (or under it)."""
    rp_id = gatehouse_settings.WEBAUTHN_RP_ID
    origins = gatehouse_settings.WEBAUTHN_ORIGINS
    hint = "Set WEBAUTHN_RP_ID to the site's domain and WEBAUTHN_ORIGINS to the origins of its pages (docs/mfa.md)."
    if not rp_id or not origins:
        return [checks.Error("Passkeys need WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS.", hint=hint, id="mfa.E002")]
    for origin in origins:
        host = urlsplit(origin).hostname or ""
        if host != rp_id and not host.endswith(f".{rp_id}"):
            return [checks.Error(f"The origin {origin!r} is not on the domain {rp_id!r}.", hint=hint, id="mfa.E002")]
    return []
