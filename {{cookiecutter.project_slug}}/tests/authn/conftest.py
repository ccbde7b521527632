"""Fixtures for the authentication tests: tokens as the issuer makes them, and tokens made by hand.

`make_access_token` signs with the test key exactly the claims an issued access token
carries, so the same tests run on a service that issues tokens and on a client service
that only verifies them. `sign_token` signs any payload, for hostile tokens.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.urls import clear_url_caches

# Pass as a claim's value to leave the claim out of a hand-made token.
OMIT = object()


def b64url(data: bytes | dict[str, Any]) -> str:
    """Base64url without padding, as in a JWT segment; dicts are JSON-encoded first."""
    if isinstance(data, dict):
        data = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def bearer(token: str) -> dict[str, str]:
    """The APIClient keyword arguments that send `token` as a Bearer access token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def reload_urls() -> None:
    """Rebuild the URL patterns after GATEHOUSE["ENABLED_ENDPOINTS"] changed."""
    import importlib

    from {{ cookiecutter.project_slug }}.authn import urls as authn_urls

    from config import urls as root_urls

    importlib.reload(authn_urls)
    importlib.reload(root_urls)
    clear_url_caches()


@pytest.fixture
def sign_token() -> Callable[..., str]:
    """Sign `payload` as this service's issuer would (the test key and algorithm), or with `key`/`algorithm`.

    With a key pair, the header names the test key's `kid` (as issued tokens do) unless `headers` says otherwise.
    """

    def sign(
        payload: dict[str, Any], *, key: Any = None, algorithm: str | None = None, headers: dict | None = None
    ) -> str:
        test_kid = getattr(settings, "TEST_JWT_KID", None)
        return jwt.encode(
            payload,
            settings.TEST_JWT_SIGNING_KEY if key is None else key,
            algorithm=algorithm or settings.SIMPLE_JWT["ALGORITHM"],
            headers={**({"kid": test_kid} if test_kid else {}), **(headers or {})},
        )

    return sign


@pytest.fixture
def access_claims() -> Callable[..., dict[str, Any]]:
    """The claims of an access token for `user`, as the issuer writes them; keyword arguments override or OMIT."""

    def claims(user: Any, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        payload = {
            "token_type": "access",
            "exp": now + int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
            "iat": now,
            "jti": uuid.uuid4().hex,
            "user_id": str(user.pk),
            "aud": settings.SIMPLE_JWT["AUDIENCE"],
            "iss": settings.SIMPLE_JWT["ISSUER"],
            **overrides,
        }
        return {name: value for name, value in payload.items() if value is not OMIT}

    return claims


@pytest.fixture
def make_access_token(sign_token, access_claims) -> Callable[..., str]:
    """A signed access token for `user`; keyword arguments change its claims (OMIT removes one)."""

    def make(user: Any, **overrides: Any) -> str:
        return sign_token(access_claims(user, **overrides))

    return make


@pytest.fixture
def issue_tokens(db) -> Callable[..., Any]:
    """Issue a real token pair for `user`, as a completed login does (a TokenPair: access, refresh, expires_in)."""
    from {{ cookiecutter.project_slug }}.authn.tokens import issue_tokens as issue

    return issue


@pytest.fixture
def enabled_endpoints(settings) -> Iterator[Callable[[list[str]], None]]:
    """Route only the given endpoints (GATEHOUSE["ENABLED_ENDPOINTS"]) for the rest of the test."""
    original = settings.GATEHOUSE

    def enable(names: list[str]) -> None:
        settings.GATEHOUSE = {**original, "ENABLED_ENDPOINTS": names}
        reload_urls()

    yield enable
    settings.GATEHOUSE = original
    reload_urls()
