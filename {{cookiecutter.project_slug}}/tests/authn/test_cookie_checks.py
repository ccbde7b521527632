"""The system checks refuse cookie settings that browsers would not honour (gatehouse.E030 to E036, W030, W031)."""

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


# Name prefixes (__Host-, __Secure-)


def test_the_names_made_with_secure_cookies_pass(gatehouse):
    gatehouse(AUTH_COOKIE_SECURE=True)
    assert checks.check_auth_cookie_prefixes() == []


def test_the_names_made_with_a_cookie_domain_pass(gatehouse):
    gatehouse(AUTH_COOKIE_SECURE=True, AUTH_COOKIE_DOMAIN="example.com")
    assert checks.check_auth_cookie_prefixes() == []


def test_a_host_prefixed_name_with_a_domain_is_refused(gatehouse):
    gatehouse(AUTH_COOKIE_SECURE=True, AUTH_COOKIE_DOMAIN="example.com", AUTH_COOKIE_ACCESS_NAME="__Host-access")
    assert ids_of(checks.check_auth_cookie_prefixes()) == [checks.COOKIE_PREFIX_BROKEN]


def test_a_host_prefixed_refresh_cookie_is_refused_for_its_narrow_path(gatehouse):
    gatehouse(AUTH_COOKIE_SECURE=True, AUTH_COOKIE_REFRESH_NAME="__Host-refresh")
    assert ids_of(checks.check_auth_cookie_prefixes()) == [checks.COOKIE_PREFIX_BROKEN]


@pytest.mark.parametrize("name", ["__Secure-access", "__host-access"])
def test_a_prefixed_name_without_secure_is_refused(name, gatehouse):
    gatehouse(AUTH_COOKIE_SECURE=False, AUTH_COOKIE_ACCESS_NAME=name)
    assert ids_of(checks.check_auth_cookie_prefixes()) == [checks.COOKIE_PREFIX_BROKEN]


# The csrftoken cookie


@pytest.mark.parametrize("samesite", ["Lax", "Strict", False])
def test_known_csrf_samesite_values_pass(samesite, settings):
    settings.CSRF_COOKIE_SAMESITE = samesite
    assert checks.check_csrf_cookie() == []


def test_an_unknown_csrf_samesite_value_is_refused(settings):
    settings.CSRF_COOKIE_SAMESITE = "Relaxed"
    assert ids_of(checks.check_csrf_cookie()) == [checks.CSRF_COOKIE_SAMESITE_UNKNOWN]


def test_csrf_samesite_none_without_secure_is_refused(settings):
    settings.CSRF_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE = "None", False
    assert ids_of(checks.check_csrf_cookie()) == [checks.CSRF_COOKIE_SAMESITE_NONE_INSECURE]


def test_csrf_partitioned_without_secure_is_refused(settings, gatehouse):
    settings.CSRF_COOKIE_SECURE = False
    gatehouse(CSRF_COOKIE_PARTITIONED=True)
    assert ids_of(checks.check_csrf_cookie()) == [checks.CSRF_COOKIE_PARTITIONED_INSECURE]


@pytest.mark.parametrize(
    "auth_cookies",
    [{"AUTH_COOKIE_SAMESITE": "None"}, {"AUTH_COOKIE_PARTITIONED": True}],
    ids=["samesite-none", "partitioned"],
)
def test_auth_cookies_made_for_another_site_without_a_csrf_cookie_to_match_are_warned_about(
    auth_cookies, settings, gatehouse
):
    settings.CSRF_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE = "Lax", True
    gatehouse(AUTH_COOKIE_SECURE=True, **auth_cookies)
    assert ids_of(checks.check_csrf_cookie()) == [checks.CSRF_COOKIE_STAYS_ON_SITE]


def test_the_cookies_of_a_frontend_on_another_site_pass_together(settings, gatehouse):
    settings.CSRF_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE = "None", True
    gatehouse(
        AUTH_COOKIE_SECURE=True,
        AUTH_COOKIE_SAMESITE="None",
        AUTH_COOKIE_PARTITIONED=True,
        CSRF_COOKIE_PARTITIONED=True,
    )
    assert checks.check_auth_cookies() + checks.check_auth_cookie_prefixes() + checks.check_csrf_cookie() == []
