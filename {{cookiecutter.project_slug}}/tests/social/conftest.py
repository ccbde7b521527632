"""Fixtures of the social login tests: providers in the settings, linked identities, and signed-in clients.

Nothing here talks to a provider: what needs one (discovery, the code exchange, ID tokens) is tested
against a real OpenID provider by the template's own tests (tests/test_social_login.py of the template).
The providers below are an OAuth-only one whose endpoints are configured (so `start` needs no discovery)
on a loopback port where nothing listens, and an OpenID Connect one whose issuer is such a port.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import factory
import pytest

from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario
from {{ cookiecutter.project_slug }}.social.models import SocialIdentity

from ..factories import UserFactory
from ..login.helpers import enable_scenarios
from ..sessions.transport_client import TransportClient, signed_in

REDIRECT_URI = "https://app.example.com/signed-in"
REAUTHENTICATION_MAX_AGE = timedelta(minutes=5)


def closed_loopback_url() -> str:
    """The base URL of a loopback port that nothing listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class SocialIdentityFactory(factory.django.DjangoModelFactory):
    """An identity of the `example` provider linked to a new user."""

    user = factory.SubFactory(UserFactory)
    provider = "example"
    subject = factory.Sequence(lambda number: f"subject-{number}")
    email = factory.LazyAttribute(lambda identity: identity.user.email)

    class Meta:
        model = SocialIdentity


@pytest.fixture
def providers(settings) -> dict[str, Any]:
    """Two providers (`example`, OAuth-only with configured endpoints; `oidc`, discovered) and the redirect URI."""
    base = closed_loopback_url()
    configured = {
        "example": {
            "name": "Example",
            "client_id": "client-id",
            "client_secret": "client-secret",
            "adapter": "{{ cookiecutter.project_slug }}.social.adapters.OAuth2UserinfoAdapter",
            "authorization_endpoint": "https://id.example.com/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
        },
        "oidc": {
            "name": "OpenID",
            "issuer": base,
            "client_id": "client-id",
            "client_secret": "client-secret",
        },
    }
    enable_scenarios(
        settings,
        PasswordScenario,
        OIDC_PROVIDERS=configured,
        OIDC_ALLOWED_REDIRECT_URIS=[REDIRECT_URI],
        REAUTHENTICATION_MAX_AGE=REAUTHENTICATION_MAX_AGE,
    )
    return configured


@pytest.fixture
def client() -> TransportClient:
    """A client of this project's transport, not logged in (it has the CSRF token a cookie login needs)."""
    anonymous = TransportClient()
    anonymous.fetch_csrf_token()
    return anonymous


@pytest.fixture
def log_in(providers):
    """log_in(user): a client of this project's transport, just logged in with the password scenario."""
    return signed_in
