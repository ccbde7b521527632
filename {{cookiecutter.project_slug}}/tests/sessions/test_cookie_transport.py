"""Logins, refreshes and logouts with tokens in HttpOnly cookies (DESIGN.md "Cookie transport"; SECURITY.md G).

With `both`, a login without a `Prefer` header answers with cookies, so the same contract applies.
The access and refresh cookies are HttpOnly, Secure outside DEBUG, SameSite=Lax by default
and host-only; the refresh cookie is scoped to the token paths; every login step, refresh and
logout that uses a cookie needs Django's CSRF token; logout deletes both.
(Requests that the access cookie authenticates, and csrf/: tests/authn/test_cookie_transport.py.)
"""

import pytest
from django.contrib.auth.hashers import check_password

from {{ cookiecutter.project_slug }}.authn.errors import CSRF_FAILED, NOT_AUTHENTICATED, TOKEN_NOT_VALID
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..authn.cookie_helpers import ACCESS_COOKIE, AUTH_COOKIES, CSRF_FAILURES, REFRESH_COOKIE, BrowserClient
from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import assert_error, enable_scenarios, login_url
from .cookie_helpers import (
    MAX_COOKIE_BYTES,
    PASSWORD_CHANGE_URL,
    REFRESH_COOKIE_PATH,
    access_lifetime,
    cookie_attributes,
    log_in,
    path_matches,
    seconds_left,
)
from .helpers import LOGOUT_ALL_URL, LOGOUT_URL, REFRESH_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(settings) -> BrowserClient:
    enable_scenarios(settings, PasswordScenario)
    return BrowserClient()


@pytest.fixture
def logged_in(browser) -> tuple[BrowserClient, object]:
    """A browser holding the cookies of a completed login, and its user."""
    user = UserFactory()
    log_in(browser, user)
    return browser, user


# Cookie attributes (SECURITY.md 64)


def test_login_sets_httponly_host_only_samesite_lax_cookies(logged_in):
    browser, _user = logged_in
    response = log_in(browser, UserFactory())
    for name in AUTH_COOKIES:
        attributes = cookie_attributes(response, name)
        assert attributes.get("httponly") is True, f"{name} must be HttpOnly"
        assert attributes.get("samesite") == "Lax", f"{name} must be SameSite=Lax by default"
        assert "domain" not in attributes, f"{name} must be host-only (no Domain)"
        assert len(response.cookies[name].output(header="").encode()) <= MAX_COOKIE_BYTES


def test_the_cookies_are_secure_outside_debug(browser, settings):
    settings.DEBUG = False
    response = log_in(browser, UserFactory())
    assert all(cookie_attributes(response, name).get("secure") is True for name in AUTH_COOKIES)


def test_secure_cookies_carry_the_host_and_secure_prefixes(browser):
    response = log_in(browser, UserFactory())
    assert set(AUTH_COOKIES) <= set(response.cookies), "Secure cookies are named __Host-access_token, __Secure-…"
    assert cookie_attributes(response, ACCESS_COOKIE)["path"] == "/", "__Host- requires Path=/"
    assert "domain" not in cookie_attributes(response, ACCESS_COOKIE), "__Host- forbids a Domain"


def test_the_cookies_are_neither_secure_nor_prefixed_with_debug_so_that_http_localhost_works(browser, settings):
    settings.DEBUG = True
    response = log_in(browser, UserFactory())
    assert {"access_token", "refresh_token"} <= set(response.cookies), "browsers refuse prefixed cookies on http"
    assert not set(AUTH_COOKIES) & set(response.cookies)
    assert not any(cookie_attributes(response, name).get("secure") for name in ("access_token", "refresh_token"))
    browser.set_cookie("access_token", response.cookies["access_token"].value)
    assert browser.get("/api/auth/me/").status_code == 200, "the unprefixed cookie authenticates with DEBUG on"


def test_a_cookie_domain_is_set_and_the_access_cookie_then_takes_the_secure_prefix(browser, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "AUTH_COOKIE_DOMAIN": "example.com"}
    response = log_in(browser, UserFactory())
    for name in ("__Secure-access_token", REFRESH_COOKIE):
        assert cookie_attributes(response, name)["domain"] == "example.com", f"{name} must carry the Domain"
    assert ACCESS_COOKIE not in response.cookies, "__Host- cookies cannot have a Domain"
    logout = browser.post(LOGOUT_URL)
    assert logout.status_code == 204, logout.content
    for name in ("__Secure-access_token", REFRESH_COOKIE):
        assert cookie_attributes(logout, name)["domain"] == "example.com", "deleted with the Domain it was set with"


def test_the_access_cookie_goes_everywhere_and_the_refresh_cookie_only_to_the_token_paths(browser):
    response = log_in(browser, UserFactory())
    assert cookie_attributes(response, ACCESS_COOKIE)["path"] == "/"
    refresh_path = cookie_attributes(response, REFRESH_COOKIE)["path"]
    assert refresh_path == REFRESH_COOKIE_PATH
    for path in (REFRESH_URL, LOGOUT_URL):
        assert path_matches(refresh_path, path), f"the refresh cookie must reach {path}"
    for path in ("/", "/admin/", "/api/", "/api/orders/", "/api/authz/"):
        assert not path_matches(refresh_path, path), f"the refresh cookie must not reach {path}"


def test_each_cookie_lives_no_longer_than_its_token(browser):
    response = log_in(browser, UserFactory())
    for name in AUTH_COOKIES:
        attributes = cookie_attributes(response, name)
        max_age = int(attributes["max-age"])
        assert 0 < max_age <= seconds_left(attributes["value"]), f"{name} Max-Age must not outlive its token"
    assert int(cookie_attributes(response, ACCESS_COOKIE)["max-age"]) <= access_lifetime()


def test_the_login_answer_carries_no_token_in_its_body(browser):
    response = log_in(browser, UserFactory())
    body = response.json()
    assert set(body) == {"status", "user", "expires_in"}, body
    assert body["expires_in"] == int(access_lifetime())
    for name in AUTH_COOKIES:
        assert response.cookies[name].value not in response.content.decode(), f"{name} must not be echoed"
    assert "no-store" in response["Cache-Control"]


def test_samesite_follows_the_setting(browser, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "AUTH_COOKIE_SAMESITE": "Strict"}
    response = log_in(browser, UserFactory())
    assert all(cookie_attributes(response, name)["samesite"] == "Strict" for name in AUTH_COOKIES)


def test_partitioned_cookies_are_written_when_the_setting_asks(browser, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "AUTH_COOKIE_PARTITIONED": True, "AUTH_COOKIE_SAMESITE": "None"}
    response = log_in(browser, UserFactory())
    for name in AUTH_COOKIES:
        attributes = cookie_attributes(response, name)
        assert attributes.get("partitioned") is True, f"{name} must carry Partitioned"
        assert attributes.get("secure") is True, "Partitioned cookies must be Secure"
        assert attributes["samesite"] == "None"


# Login CSRF (SECURITY.md 67)


@pytest.mark.parametrize("failure", list(CSRF_FAILURES))
def test_a_login_that_fails_the_csrf_check_is_refused_and_sets_no_cookie(failure, browser):
    user = UserFactory()
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    response = browser.post(login_url("password"), body, **CSRF_FAILURES[failure])
    assert_error(response, 403, CSRF_FAILED)
    assert not set(AUTH_COOKIES) & set(response.cookies), "a refused login must set no auth cookie"


def test_a_login_with_the_csrf_token_from_the_same_origin_sets_the_cookies(browser):
    response = log_in(browser, UserFactory())
    assert set(AUTH_COOKIES) <= set(response.cookies)


# Refresh and logout through the refresh cookie


@pytest.mark.parametrize("url", [REFRESH_URL, LOGOUT_URL, LOGOUT_ALL_URL])
@pytest.mark.parametrize("failure", ["no-token", "mismatched-token", "cross-site-origin"])
def test_token_endpoints_used_with_cookies_are_refused_without_a_valid_csrf_token(url, failure, logged_in):
    browser, _user = logged_in
    response = browser.post(url, **CSRF_FAILURES[failure])
    assert_error(response, 403, CSRF_FAILED)
    assert browser.post(REFRESH_URL).status_code == 200, "a refused request must not end the session"


def test_password_change_with_the_cookie_is_refused_without_a_valid_csrf_token(logged_in):
    browser, user = logged_in
    body = {"old_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase"}
    assert_error(browser.post(PASSWORD_CHANGE_URL, body, csrf=None), 403, CSRF_FAILED)
    user.refresh_from_db()
    assert check_password(DEFAULT_PASSWORD, user.password)
    assert browser.post(PASSWORD_CHANGE_URL, body).status_code == 200


def test_refresh_reads_the_refresh_cookie_and_answers_with_rotated_cookies(logged_in):
    browser, _user = logged_in
    first_refresh, first_access = browser.cookie(REFRESH_COOKIE), browser.cookie(ACCESS_COOKIE)
    response = browser.post(REFRESH_URL)
    assert response.status_code == 200, response.content
    assert response.json() == {"expires_in": int(access_lifetime())}, "no token in the body"
    assert cookie_attributes(response, REFRESH_COOKIE)["path"] == REFRESH_COOKIE_PATH
    assert browser.cookie(REFRESH_COOKIE) != first_refresh
    assert browser.cookie(ACCESS_COOKIE) != first_access
    assert "no-store" in response["Cache-Control"]
    # The rotated-out cookie is refused when replayed.
    browser.set_cookie(REFRESH_COOKIE, first_refresh)
    assert_error(browser.post(REFRESH_URL), 401, TOKEN_NOT_VALID)


def test_refresh_without_a_refresh_cookie_is_refused_with_401(browser):
    assert_error(browser.post(REFRESH_URL), 401, NOT_AUTHENTICATED)


def test_refresh_refuses_a_text_plain_body_with_415(logged_in):
    browser, _user = logged_in
    response = browser.post(REFRESH_URL, "{}", content_type="text/plain")
    assert response.status_code == 415, response.content


def test_logout_blacklists_the_refresh_cookie_and_deletes_both_cookies(logged_in):
    browser, _user = logged_in
    refresh_token = browser.cookie(REFRESH_COOKIE)
    response = browser.post(LOGOUT_URL)
    assert response.status_code == 204, response.content
    for name, path in ((ACCESS_COOKIE, "/"), (REFRESH_COOKIE, REFRESH_COOKIE_PATH)):
        attributes = cookie_attributes(response, name)
        assert attributes["value"] in ("", '""'), f"{name} must be emptied"
        assert attributes["max-age"] == "0", f"{name} must be deleted (Max-Age=0)"
        assert attributes["path"] == path, f"{name} must be deleted at the Path it was set with"
        assert "domain" not in attributes
    browser.set_cookie(REFRESH_COOKIE, refresh_token)
    assert_error(browser.post(REFRESH_URL), 401, TOKEN_NOT_VALID)


def test_logout_all_authenticated_by_the_cookie_deletes_the_cookies_and_ends_every_session(logged_in):
    browser, user = logged_in
    other_browser = BrowserClient()
    log_in(other_browser, user)
    response = browser.post(LOGOUT_ALL_URL)
    assert response.status_code == 204, response.content
    assert all(cookie_attributes(response, name)["max-age"] == "0" for name in AUTH_COOKIES)
    assert_error(other_browser.post(REFRESH_URL), 401, TOKEN_NOT_VALID)


@pytest.mark.parametrize(("method", "url"), [("get", LOGOUT_URL), ("get", LOGOUT_ALL_URL), ("head", REFRESH_URL)])
def test_safe_methods_change_nothing(method, url, logged_in):
    browser, _user = logged_in
    response = getattr(browser.client, method)(url)
    assert response.status_code == 405
    assert browser.post(REFRESH_URL).status_code == 200, "the session must still be alive"
