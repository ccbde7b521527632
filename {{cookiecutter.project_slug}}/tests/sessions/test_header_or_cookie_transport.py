"""token_transport=both: the client picks, at each login, tokens in the body or in cookies.

`Prefer: token-transport=body` (RFC 7240) asks for the tokens in the body; without it, or
with `token-transport=cookie`, they come in cookies. Later requests may present either;
where a request has both, the header (or the body's `refresh`) wins and the cookie is
ignored, so one request never mixes two identities; CSRF applies whenever a cookie is used.
"""

import pytest

from {{ cookiecutter.project_slug }}.authn.errors import CSRF_FAILED
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import assert_complete, assert_error, enable_scenarios, login_url
from ..tokens import bearer
from .cookie_helpers import (
    ACCESS_COOKIE,
    LOGOUT_URL,
    ME_URL,
    REFRESH_COOKIE,
    REFRESH_URL,
    BrowserClient,
)

pytestmark = [pytest.mark.django_db, pytest.mark.token_transport("both")]

PREFER_BODY = "token-transport=body"
AUTH_COOKIES = (ACCESS_COOKIE, REFRESH_COOKIE)


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
    response = browser.log_in(UserFactory(), **extra)
    assert set(AUTH_COOKIES) <= set(response.cookies)
    assert "access" not in response.json()
    assert response["Preference-Applied"] == "token-transport=cookie"


def test_a_cookie_login_still_needs_the_csrf_token(browser):
    user = UserFactory()
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    assert_error(browser.post(login_url("password"), body, csrf=None), 403, CSRF_FAILED)


def test_the_bearer_header_wins_over_the_access_cookie(browser, make_access_token):
    cookie_user, header_user = UserFactory(), UserFactory()
    browser.set_cookie(ACCESS_COOKIE, make_access_token(cookie_user))
    response = browser.get(ME_URL, **bearer(make_access_token(header_user)))
    assert response.json()["email"] == header_user.email


def test_a_request_authenticated_by_its_header_needs_no_csrf_token_and_touches_only_the_header_user(
    browser, make_access_token
):
    cookie_user, header_user = UserFactory(), UserFactory()
    browser.set_cookie(ACCESS_COOKIE, make_access_token(cookie_user))
    response = browser.patch(
        ME_URL, {"first_name": "Header"}, csrf=None, origin=None, **bearer(make_access_token(header_user))
    )
    assert response.status_code == 200, response.content
    header_user.refresh_from_db()
    cookie_user.refresh_from_db()
    assert header_user.first_name == "Header"
    assert cookie_user.first_name != "Header", "the cookie's user must not be touched"


def test_an_invalid_bearer_header_is_refused_even_with_a_valid_cookie(browser, make_access_token):
    browser.set_cookie(ACCESS_COOKIE, make_access_token(UserFactory()))
    assert browser.get(ME_URL, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_the_access_cookie_alone_still_needs_the_csrf_token_on_unsafe_requests(browser, make_access_token):
    browser.set_cookie(ACCESS_COOKIE, make_access_token(UserFactory()))
    assert_error(browser.patch(ME_URL, {"first_name": "Mallory"}, csrf=None), 403, CSRF_FAILED)


def test_refresh_prefers_the_body_token_and_answers_in_the_body(browser):
    body_tokens = log_in_for_body(browser, UserFactory())
    browser.log_in(UserFactory())  # cookies of another session in the same browser
    cookie_refresh = browser.cookie(REFRESH_COOKIE)
    response = browser.post(REFRESH_URL, {"refresh": body_tokens["refresh"]}, csrf=None, origin=None)
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access", "refresh"}
    assert not set(AUTH_COOKIES) & set(response.cookies), "a body refresh must leave the cookies alone"
    assert browser.cookie(REFRESH_COOKIE) == cookie_refresh
    assert browser.post(REFRESH_URL).status_code == 200, "the cookie session is untouched"


def test_refresh_without_a_body_token_uses_the_cookie_with_csrf(browser):
    browser.log_in(UserFactory())
    assert_error(browser.post(REFRESH_URL, csrf=None), 403, CSRF_FAILED)
    response = browser.post(REFRESH_URL)
    assert response.status_code == 200
    assert set(AUTH_COOKIES) <= set(response.cookies)
    assert "refresh" not in response.json()


def test_logout_with_a_body_token_keeps_the_cookies_of_another_session(browser):
    body_tokens = log_in_for_body(browser, UserFactory())
    browser.log_in(UserFactory())
    response = browser.post(LOGOUT_URL, {"refresh": body_tokens["refresh"]}, csrf=None, origin=None)
    assert response.status_code == 204
    assert not set(AUTH_COOKIES) & set(response.cookies)
    assert browser.post(REFRESH_URL).status_code == 200


def test_logout_with_the_cookie_deletes_the_cookies(browser):
    browser.log_in(UserFactory())
    response = browser.post(LOGOUT_URL)
    assert response.status_code == 204
    assert all(response.cookies[name]["max-age"] == 0 for name in AUTH_COOKIES)


def test_cors_lets_an_allowed_origin_send_the_prefer_header_and_read_preference_applied(browser, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = browser.client.options(
        ME_URL,
        HTTP_ORIGIN="https://app.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="prefer",
    )
    assert "prefer" in response["Access-Control-Allow-Headers"]
    answer = browser.get(ME_URL, HTTP_ORIGIN="https://app.example.com")
    assert "Preference-Applied" in answer["Access-Control-Expose-Headers"]


def test_the_schema_offers_the_bearer_and_the_cookie_scheme_as_alternatives(browser):
    schema = browser.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    security = schema["paths"][ME_URL]["get"]["security"]
    assert {"jwtAuth": []} in security
    assert {"cookieAuth": []} in security
