import importlib
import io
{%- if cookiecutter.auth_role == "client_service" %}
import json
{%- endif %}
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
{%- if cookiecutter.auth_role == "client_service" %}
import responses
{%- endif %}
from django.apps import apps
from django.conf import settings as django_settings
from django.urls import clear_url_caches
from rest_framework.test import APIClient

{% if cookiecutter.auth_role == "client_service" -%}
from {{ cookiecutter.project_slug }}.authn.keys import public_jwk, public_key_pem
from {{ cookiecutter.project_slug }}.authn.tokens import ACCESS_TOKEN_TYPE, get_token_backend
{% else -%}
from {{ cookiecutter.project_slug }}.authn.tokens import ACCESS_TOKEN_TYPE, get_token_backend
from {{ cookiecutter.project_slug }}.sessions.service import issue_tokens as issue_tokens_for
{% endif %}
from config import urls as root_urls

from .factories import UserFactory
from .tokens import OMIT, signing_key_id


def api_url_modules() -> list[Any]:
    """The `urls` modules of the installed apps that route API endpoints (they name ALL_URLPATTERNS)."""
    modules = []
    for app_config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app_config.name}.urls")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "ALL_URLPATTERNS"):
            modules.append(module)
    return modules


def reload_urls() -> None:
    """Route again from the current settings (GATEHOUSE["ENABLED_ENDPOINTS"] decides what is served)."""
    for module in api_url_modules():
        importlib.reload(module)
    importlib.reload(root_urls)
    clear_url_caches()


# Tokens as the issuer makes them, and tokens made by hand. `make_access_token` signs with the test
# key exactly the header and claims an issued access token carries, so the same tests run on a service
# that issues tokens and on a client service that only verifies them; `sign_token` signs any payload.


@pytest.fixture
def sign_token() -> Callable[..., str]:
    """Sign `payload` as this service's issuer signs access tokens (the test key and algorithm, `typ: at+jwt`),
    or with `key`/`algorithm`.

    With a key pair, the header names the test key's `kid` (as issued tokens do); `headers` changes or adds
    header members, and OMIT removes one.
    """

    def sign(
        payload: dict[str, Any], *, key: Any = None, algorithm: str | None = None, headers: dict | None = None
    ) -> str:
        test_kid = signing_key_id()
        header = {"typ": ACCESS_TOKEN_TYPE, **({"kid": test_kid} if test_kid else {}), **(headers or {})}
        return jwt.encode(
            payload,
            django_settings.TEST_JWT_SIGNING_KEY if key is None else key,
            algorithm=algorithm or django_settings.SIMPLE_JWT["ALGORITHM"],
            headers={name: value for name, value in header.items() if value is not OMIT},
        )

    return sign


@pytest.fixture
def access_claims() -> Callable[..., dict[str, Any]]:
    """The claims of an access token for `user`, as the issuer writes them; keyword arguments override or OMIT."""

    def claims(user: Any, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        payload = {
            "token_type": "access",
            "exp": now + int(django_settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
            "iat": now,
            "jti": uuid.uuid4().hex,
            "sub": str(user.pk),
            "auth_time": now,
            "aud": django_settings.SIMPLE_JWT["AUDIENCE"],
            "iss": django_settings.SIMPLE_JWT["ISSUER"],
            **overrides,
        }
        return {name: value for name, value in payload.items() if value is not OMIT}

    return claims


@pytest.fixture
def make_access_token(sign_token, access_claims) -> Callable[..., str]:
    """A signed access token for `user`; keyword arguments change its claims (OMIT removes one), `headers` its header."""

    def make(user: Any, *, headers: dict | None = None, **overrides: Any) -> str:
        return sign_token(access_claims(user, **overrides), headers=headers)

    return make
{%- if cookiecutter.auth_role != "client_service" %}


@pytest.fixture
def issue_tokens(db) -> Callable[..., Any]:
    """Issue a real token pair for `user`, as a completed login does (a TokenPair: access, refresh, expires_in)."""
    return issue_tokens_for
{%- endif %}


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


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache: flows, codes and counters never leak between tests.

    The token backends are rebuilt too: a client service's keeps the keys it read from the cache.
    """
    from django.core.cache import cache

    cache.clear()
    get_token_backend.cache_clear()
    yield
    cache.clear()


@pytest.fixture
def console_log():
    """What the project's console log handler (LOGGING in settings) writes during the test."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.get_name() == "console")
    output = io.StringIO()
    previous_stream = handler.setStream(output)
    yield output
    handler.setStream(previous_stream)
{%- if cookiecutter.auth_role == "client_service" %}


@pytest.fixture
def jwks_keys() -> list[dict]:
    """The keys the fake auth service publishes: the test key's public half; tests append or replace."""
    algorithm = django_settings.SIMPLE_JWT["ALGORITHM"]
    return [public_jwk(public_key_pem(django_settings.TEST_JWT_SIGNING_KEY), algorithm)]


@pytest.fixture(autouse=True)
def _forget_copies():
    """Each test starts with no copy seen lately in this process (remote/copy_user.py)."""
    from {{ cookiecutter.project_slug }}.remote.copy_user import recent_copies

    recent_copies.forget()
    yield
    recent_copies.forget()


@pytest.fixture(autouse=True)
def auth_service(jwks_keys):
    """The auth service, faked in-process: its JWKS serves `jwks_keys`; no request leaves the test.

    Yields the `responses` mock, so a test can count JWKS fetches or add the answers of other paths.
    """
    jwks_url = django_settings.GATEHOUSE["AUTH_SERVICE_URL"] + "/.well-known/jwks.json"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(
            responses.GET,
            jwks_url,
            callback=lambda request: (200, {"Content-Type": "application/json"}, json.dumps({"keys": jwks_keys})),
        )
        yield mock
{%- endif %}
