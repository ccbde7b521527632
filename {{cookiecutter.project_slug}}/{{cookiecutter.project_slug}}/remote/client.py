"""Every HTTP request this service makes to the auth service goes through here.

The URL is GATEHOUSE["AUTH_SERVICE_URL"] plus a path of this code's choosing (never
one taken from a token or a request), the TLS certificate is verified
(AUTH_SERVICE_VERIFY_TLS), redirects are not followed, and every request has a
timeout: an unreachable auth service costs a request at most that long and ends in
AuthServiceUnavailable (503), never in a 500 or a hung worker.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import requests

from ..authn.conf import gatehouse_settings
from .errors import AuthServiceUnavailable

logger = logging.getLogger(__name__)

JWKS_PATH = "/.well-known/jwks.json"


def auth_service_url(path: str) -> str:
    """The absolute URL of `path` (starting with /) on the auth service."""
    return gatehouse_settings.AUTH_SERVICE_URL.rstrip("/") + path


def call_auth_service(
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: timedelta | None = None,
) -> requests.Response:
    """Send one request to the auth service and return its answer, whatever its status.

    Raises AuthServiceUnavailable when there is no answer: connection refused or reset,
    DNS failure, timeout, or a TLS certificate that does not verify.
    """
    seconds = (timeout or gatehouse_settings.AUTH_SERVICE_TIMEOUT).total_seconds()
    try:
        # A fresh session per request: a shared one would keep the cookies of one user's
        # answer and send them with the next user's request.
        with requests.Session() as session:
            return session.request(
                method,
                auth_service_url(path),
                headers=headers,
                data=body,
                timeout=seconds,
                verify=gatehouse_settings.AUTH_SERVICE_VERIFY_TLS,
                allow_redirects=False,
            )
    except requests.RequestException as error:
        logger.warning("The auth service did not answer %s %s: %s", method, path, type(error).__name__)
        raise AuthServiceUnavailable from error


def fetch_jwks() -> dict[str, Any]:
    """The auth service's JWKS document; AuthServiceUnavailable when it cannot be had or is not a JWKS."""
    response = call_auth_service(
        "GET", JWKS_PATH, headers={"Accept": "application/json"}, timeout=gatehouse_settings.JWKS_FETCH_TIMEOUT
    )
    try:
        document = response.json() if response.status_code == 200 else None
    except ValueError:
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        logger.warning("The auth service answered its JWKS URL with status %s and no key set.", response.status_code)
        raise AuthServiceUnavailable
    return document
