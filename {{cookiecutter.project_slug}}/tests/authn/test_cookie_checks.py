"""The system checks refuse cookie settings that browsers would not honour (gatehouse.E030 to E032, W030)."""

import pytest

from {{ cookiecutter.project_slug }}.authn.transports import cookie_checks as checks


def ids_of(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.fixture
def gatehouse(settings):
    """Change GATEHOUSE entries for one test: gatehouse(AUTH_COOKIE_SAMESITE="None")."""

    def change(**entries) -> None:
        settings.GATEHOUSE = {**settings.GATEHOUSE, **entries}

    return change


@pytest.mark.parametrize("samesite", ["Lax", "Strict", "lax", "None"])
def test_known_samesite_values_pass_with_secure_cookies(samesite, gatehouse):
    gatehouse(AUTH_COOKIE_SAMESITE=samesite, AUTH_COOKIE_SECURE=True)
    assert checks.check_auth_cookies() == []


@pytest.mark.parametrize("samesite", ["Relaxed", "", None])
def test_an_unknown_samesite_value_is_refused(samesite, gatehouse):
    gatehouse(AUTH_COOKIE_SAMESITE=samesite)
    assert ids_of(checks.check_auth_cookies()) == [checks.COOKIE_SAMESITE_UNKNOWN]


def test_samesite_none_without_secure_is_refused(gatehouse):
    gatehouse(AUTH_COOKIE_SAMESITE="None", AUTH_COOKIE_SECURE=False)
    assert ids_of(checks.check_auth_cookies()) == [checks.COOKIE_SAMESITE_NONE_INSECURE]


def test_samesite_none_is_refused_with_debug_when_secure_follows_debug(gatehouse, settings):
    settings.DEBUG = True
    gatehouse(AUTH_COOKIE_SAMESITE="None", AUTH_COOKIE_SECURE=None)
    assert ids_of(checks.check_auth_cookies()) == [checks.COOKIE_SAMESITE_NONE_INSECURE]


def test_partitioned_without_secure_is_refused(gatehouse):
    gatehouse(AUTH_COOKIE_PARTITIONED=True, AUTH_COOKIE_SECURE=False)
    assert ids_of(checks.check_auth_cookies()) == [checks.COOKIE_PARTITIONED_INSECURE]


def test_the_deploy_check_warns_when_cookie_tokens_are_not_secure(gatehouse, settings):
    settings.DEBUG = False
    gatehouse(AUTH_COOKIE_SECURE=False)
    assert ids_of(checks.check_auth_cookies_secure()) == [checks.COOKIE_NOT_SECURE]


def test_the_deploy_check_passes_with_the_default_secure_setting_outside_debug(gatehouse, settings):
    settings.DEBUG = False
    gatehouse(AUTH_COOKIE_SECURE=None)
    assert checks.check_auth_cookies_secure() == []
