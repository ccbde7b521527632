"""The system checks of social login: a misconfigured provider fails at start (`manage.py check`)."""

from __future__ import annotations

import pytest

from {{ cookiecutter.project_slug }}.social import checks

VALID = {"name": "Example", "issuer": "https://id.example.com", "client_id": "id", "client_secret": "secret"}


def provider_errors(settings, **providers) -> list[str]:
    settings.GATEHOUSE = {**settings.GATEHOUSE, "OIDC_PROVIDERS": providers}
    return [message.id for message in checks.check_providers()]


def test_a_complete_provider_passes(settings):
    assert provider_errors(settings, example=VALID) == []


def test_the_providers_must_be_a_mapping_of_objects(settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "OIDC_PROVIDERS": ["google"]}
    assert [message.id for message in checks.check_providers()] == [checks.PROVIDERS_INVALID]


@pytest.mark.parametrize("key", ["", "with space", "a/b", "x" * 60])
def test_a_key_that_a_scenario_url_cannot_hold_is_refused(settings, key):
    assert provider_errors(settings, **{key: VALID}) == [checks.PROVIDER_KEY_INVALID]


@pytest.mark.parametrize("missing", ["name", "client_id", "client_secret"])
def test_a_missing_field_is_refused(settings, missing):
    config = {name: value for name, value in VALID.items() if name != missing}
    assert provider_errors(settings, example=config) == [checks.PROVIDER_FIELDS_INVALID]


def test_an_unknown_field_is_refused(settings):
    assert provider_errors(settings, example={**VALID, "client_secert": "typo"}) == [checks.PROVIDER_FIELDS_INVALID]


@pytest.mark.parametrize("issuer", ["", "id.example.com", "http://id.example.com", "ftp://id.example.com", "https://"])
def test_an_issuer_that_is_not_an_https_url_is_refused(settings, issuer):
    assert provider_errors(settings, example={**VALID, "issuer": issuer}) == [checks.PROVIDER_URL_INVALID]


@pytest.mark.parametrize("issuer", ["http://127.0.0.1:8080", "http://localhost:9000/realms/dev", "http://[::1]:1"])
def test_plain_http_is_allowed_on_loopback_for_development(settings, issuer):
    assert provider_errors(settings, example={**VALID, "issuer": issuer}) == []


def test_an_adapter_that_does_not_import_or_is_not_one_is_refused(settings):
    assert provider_errors(settings, example={**VALID, "adapter": "nowhere.Adapter"}) == [
        checks.PROVIDER_ADAPTER_INVALID
    ]
    assert provider_errors(settings, example={**VALID, "adapter": "builtins.dict"}) == [
        checks.PROVIDER_ADAPTER_INVALID
    ]


def test_an_oauth_only_provider_needs_its_endpoints(settings):
    config = {
        "name": "Example",
        "client_id": "id",
        "client_secret": "secret",
        "adapter": "{{ cookiecutter.project_slug }}.social.adapters.OAuth2UserinfoAdapter",
        "authorization_endpoint": "https://id.example.com/authorize",
        "token_endpoint": "https://id.example.com/token",
    }
    assert provider_errors(settings, example=config) == [checks.PROVIDER_URL_INVALID]
    config["userinfo_endpoint"] = "https://id.example.com/userinfo"
    assert provider_errors(settings, example=config) == []


def test_github_needs_no_endpoints(settings):
    config = {
        "name": "GitHub",
        "client_id": "id",
        "client_secret": "secret",
        "adapter": "{{ cookiecutter.project_slug }}.social.adapters.GitHubAdapter",
        "scope": "read:user user:email",
    }
    assert provider_errors(settings, github=config) == []


@pytest.mark.parametrize("uris", ["https://app.example.com/cb", ["app.example.com/cb"], ["http://app.example.com/cb"]])
def test_redirect_uris_must_be_a_list_of_https_urls(settings, uris):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "OIDC_ALLOWED_REDIRECT_URIS": uris}
    assert [message.id for message in checks.check_redirect_uris()] == [checks.REDIRECT_URIS_INVALID]


def test_providers_without_a_redirect_uri_are_warned_about(settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "OIDC_PROVIDERS": {"example": VALID}, "OIDC_ALLOWED_REDIRECT_URIS": []}
    assert [message.id for message in checks.check_redirect_uris()] == [checks.NO_REDIRECT_URIS]
