import importlib
import io
{%- if cookiecutter.auth_role == "client_service" %}
import json
{%- endif %}
import logging

import pytest
{%- if cookiecutter.auth_role == "client_service" %}
import responses
{%- endif %}
from django.conf import settings as django_settings
from django.test import override_settings
from django.urls import clear_url_caches
from rest_framework.test import APIClient
{%- if cookiecutter.auth_role == "client_service" %}

from {{ cookiecutter.project_slug }}.authn.keys import public_jwk, public_key_pem
{%- endif %}

from .factories import UserFactory

TRANSPORTS_MODULE = "{{ cookiecutter.project_slug }}.authn.transports"
# The token_transport answers, by the class each one sets in GATEHOUSE["TOKEN_TRANSPORT"].
TRANSPORTS = {
    "header": f"{TRANSPORTS_MODULE}.HeaderTransport",
    "cookie": f"{TRANSPORTS_MODULE}.CookieTransport",
    "both": f"{TRANSPORTS_MODULE}.HeaderOrCookieTransport",
}
# What this project was generated with, read before any test changes the settings.
RENDERED_TRANSPORT = django_settings.GATEHOUSE.get("TOKEN_TRANSPORT", TRANSPORTS["header"])
RENDERED_TRANSPORT_NAME = next(name for name, path in TRANSPORTS.items() if path == RENDERED_TRANSPORT)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "token_transport(*answers): run only in a project generated with one of these token_transport answers, "
        "with its transport; unmarked tests run with the header transport (tokens in bodies, Bearer headers)",
    )


def reload_stale_urls() -> None:
    """Route again if the URL patterns no longer match the settings (csrf/ depends on the transport)."""
    from {{ cookiecutter.project_slug }}.authn import urls as authn_urls

    served = [pattern.name for pattern in authn_urls.ALL_URLPATTERNS if authn_urls.is_served(pattern)]
    if [pattern.name for pattern in authn_urls.urlpatterns] != served:
        from config import urls as root_urls

        importlib.reload(authn_urls)
        importlib.reload(root_urls)
        clear_url_caches()


@pytest.fixture(autouse=True)
def token_transport(request):
    """The transport a test is written for: the header transport, or the rendered one for marked tests.

    Most tests speak the header transport's contract (tokens in JSON bodies, `Authorization:
    Bearer`), whatever this project was generated with; the cookie transport has tests of its
    own, marked `@pytest.mark.token_transport("cookie", "both")`, that run only where it is
    rendered. Yields the name of the transport in use.
    """
    marker = request.node.get_closest_marker("token_transport")
    if marker is not None and RENDERED_TRANSPORT_NAME not in marker.args:
        pytest.skip(
            f"this project was generated with token_transport={RENDERED_TRANSPORT_NAME}; "
            f"this test is about token_transport={' or '.join(marker.args)}"
        )
    name = RENDERED_TRANSPORT_NAME if marker is not None else "header"
    if TRANSPORTS[name] == RENDERED_TRANSPORT:
        yield name
    else:
        with override_settings(GATEHOUSE={**django_settings.GATEHOUSE, "TOKEN_TRANSPORT": TRANSPORTS[name]}):
            yield name
    # A test that re-routed while its transport was not the rendered one leaves csrf/ wrongly routed.
    reload_stale_urls()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache: flows, codes and counters never leak between tests."""
    from django.core.cache import cache

    cache.clear()
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
