"""Who is asking: the client's address behind the trusted proxies, its user agent, and the keyed name of an account.

Both are read by every app that counts, logs or records requests (the lockout, the audit
log, the sessions list), so they are defined once, here in the core.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from .conf import gatehouse_settings

# Kept from the first release, so that audit rows written before and after an upgrade link up.
IDENTIFIER_HMAC_SALT = "authn.attempts.identifier"


def identifier_key(identifier: str | None) -> str:
    """A keyed hash of an identifier (a normalized email), or "-" when there is none.

    Stable for one account, it names the account in counters, logs and the audit log
    without writing its address anywhere.
    """
    if identifier is None:
        return "-"
    return salted_hmac(IDENTIFIER_HMAC_SALT, identifier, algorithm="sha256").hexdigest()[:20]


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request`, as far as the trusted proxies vouch for it.

    With TRUSTED_PROXY_COUNT = 0 (the default) it is REMOTE_ADDR, whatever headers the
    client sent: X-Forwarded-For is written by clients as easily as by proxies. With N
    trusted proxies, each appends the address it received the request from, so the
    client is the Nth entry from the right; anything left of it is the client's own
    invention. A header too short, or an entry that is no address, means the request
    did not come through the proxies as configured: REMOTE_ADDR is used then.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    hops = gatehouse_settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote_addr
    forwarded = [entry.strip() for entry in request.headers.get("x-forwarded-for", "").split(",") if entry.strip()]
    if len(forwarded) < hops:
        return remote_addr
    candidate = forwarded[-hops]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote_addr
    return candidate


def client_user_agent(request: HttpRequest | None, max_length: int) -> str:
    """The request's User-Agent header cut to `max_length` (browsers send a few hundred characters at most)."""
    if request is None:
        return ""
    return request.headers.get("user-agent", "")[:max_length]
