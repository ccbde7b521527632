"""token_transport=both: the client picks, at each login, tokens in the body or in cookies.

`Prefer: token-transport=body` (RFC 7240) asks for the tokens in the body; without it, or
with `token-transport=cookie`, they come in cookies. A refresh or logout may present either;
where a request has both, the body's `refresh` wins and the cookie is ignored, so one request
never mixes two sessions; CSRF applies whenever a cookie is used. (Access tokens: tests/authn/.)
"""

import pytest

from {{ cookiecutter.project_slug }}.authn.errors import CSRF_FAILED
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..authn.cookie_helpers import AUTH_COOKIES, ME_URL, REFRESH_COOKIE, BrowserClient
from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import assert_complete, assert_error, enable_scenarios, login_url
from ..tokens import bearer
from .cookie_helpers import log_in
from .helpers import LOGOUT_URL, REFRESH_URL

pytestmark = pytest.mark.django_db

PREFER_BODY = "token-transport=body"


@pytest.fixture
def browser(settings) -> BrowserClient:
    enable_scenarios(settings, PasswordScenario)
    return BrowserClient()


def log_in_for_body(browser: BrowserClient, user, prefer: str = PREFER_BODY) -> dict:
    """Log in asking for the tokens in the body: no CSRF token, no Origin, as a native app would."""
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    response = browser.post(login_url("password"), body, csrf=None, origin=None, HTTP_PREFER=prefer)
    assert_complete(response, user)
    assert not set(AUTH_COOKIES) & set(response.cookies), "tokens asked for in the body must not be set as cookies"
    assert response["Preference-Applied"] == PREFER_BODY
    return response.json()


@pytest.mark.parametrize("prefer", [PREFER_BODY, "TOKEN-TRANSPORT=Body", 'respond-async, token-transport="body"; x=1'])
def test_prefer_token_transport_body_answers_with_the_tokens_in_the_body(prefer, browser):
    body = log_in_for_body(browser, UserFactory(), prefer)
    assert {"access", "refresh", "token_type", "expires_in"} <= set(body)
    assert body["token_type"] == "Bearer"


@pytest.mark.parametrize("prefer", [None, "token-transport=cookie", "return=minimal"])
def test_without_a_body_preference_the_login_answers_with_cookies(prefer, browser):
    extra = {"HTTP_PREFER": prefer} if prefer else {}
    response = log_in(browser, UserFactory(), **extra)
    assert set(AUTH_COOKIES) <= set(response.cookies)
    assert "access" not in response.json()
    assert response["Preference-Applied"] == "token-transport=cookie"


def test_the_access_token_of_a_body_login_authenticates_with_the_bearer_header(browser):
    user = UserFactory()
    body_tokens = log_in_for_body(browser, user)
    response = browser.get(ME_URL, **bearer(body_tokens["access"]))
    assert response.status_code == 200, response.content
    assert response.json()["email"] == user.email


def test_a_cookie_login_still_needs_the_csrf_token(browser):
    user = UserFactory()
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    assert_error(browser.post(login_url("password"), body, csrf=None), 403, CSRF_FAILED)


def test_refresh_prefers_the_body_token_and_answers_in_the_body(browser):
    body_tokens = log_in_for_body(browser, UserFactory())
    log_in(browser, UserFactory())  # cookies of another session in the same browser
    cookie_refresh = browser.cookie(REFRESH_COOKIE)
    response = browser.post(REFRESH_URL, {"refresh": body_tokens["refresh"]}, csrf=None, origin=None)
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access", "refresh"}
    assert not set(AUTH_COOKIES) & set(response.cookies), "a body refresh must leave the cookies alone"
    assert browser.cookie(REFRESH_COOKIE) == cookie_refresh
    assert browser.post(REFRESH_URL).status_code == 200, "the cookie session is untouched"


@pytest.mark.parametrize("body", [{"refresh": None}, {"refresh": ["a"]}, {"refresh": {"a": 1}}])
def test_a_body_refresh_token_that_is_no_string_is_refused_as_a_validation_error(body, browser):
    response = browser.post(REFRESH_URL, body, csrf=None, origin=None)
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error"


def test_refresh_without_a_body_token_uses_the_cookie_with_csrf(browser):
    log_in(browser, UserFactory())
    assert_error(browser.post(REFRESH_URL, csrf=None), 403, CSRF_FAILED)
    response = browser.post(REFRESH_URL)
    assert response.status_code == 200
    assert set(AUTH_COOKIES) <= set(response.cookies)
    assert "refresh" not in response.json()


def test_logout_with_a_body_token_keeps_the_cookies_of_another_session(browser):
    body_tokens = log_in_for_body(browser, UserFactory())
    log_in(browser, UserFactory())
    response = browser.post(LOGOUT_URL, {"refresh": body_tokens["refresh"]}, csrf=None, origin=None)
    assert response.status_code == 204
    assert not set(AUTH_COOKIES) & set(response.cookies)
    assert browser.post(REFRESH_URL).status_code == 200


def test_logout_with_the_cookie_deletes_the_cookies(browser):
    log_in(browser, UserFactory())
    response = browser.post(LOGOUT_URL)
    assert response.status_code == 204
    assert all(response.cookies[name]["max-age"] == 0 for name in AUTH_COOKIES)
