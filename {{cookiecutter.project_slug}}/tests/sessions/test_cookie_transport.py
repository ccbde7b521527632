"""Tokens in HttpOnly cookies, with CSRF protection (DESIGN.md "Cookie transport"; SECURITY.md G).

Runs where the project was generated with token_transport=cookie or both (with `both`, a
login without a `Prefer` header answers with cookies, so the same contract applies).
The access and refresh cookies are HttpOnly, Secure outside DEBUG, SameSite=Lax by default
and host-only; the refresh cookie is scoped to the token paths; unsafe requests that a
cookie authenticates, and every login step, need Django's CSRF token; logout deletes both.
"""

import pytest
from django.contrib.auth.hashers import check_password

from {{ cookiecutter.project_slug }}.authn.errors import CSRF_FAILED, NOT_AUTHENTICATED, TOKEN_NOT_VALID
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import assert_error, enable_scenarios, login_url
from ..tokens import b64url
from .cookie_helpers import (
    ACCESS_COOKIE,
    CSRF_URL,
    EVIL_ORIGIN,
    LOGOUT_ALL_URL,
    LOGOUT_URL,
    MAX_COOKIE_BYTES,
    ME_URL,
    PASSWORD_CHANGE_URL,
    REFRESH_COOKIE,
    REFRESH_COOKIE_PATH,
    REFRESH_URL,
    SAME_ORIGIN,
    BrowserClient,
    access_lifetime,
    cookie_attributes,
    path_matches,
    seconds_left,
)

pytestmark = [pytest.mark.django_db, pytest.mark.token_transport("cookie", "both")]

AUTH_COOKIES = (ACCESS_COOKIE, REFRESH_COOKIE)
# The CSRF failures every cookie-authenticated unsafe request and every login must be refused for:
# keyword arguments of BrowserClient.post.
CSRF_FAILURES = {
    "no-token": {"csrf": None},
    "mismatched-token": {"csrf": "x" * 32},
    "cross-site-origin": {"origin": EVIL_ORIGIN},
    "look-alike-origin": {"origin": f"{SAME_ORIGIN}.evil.example"},
    "null-origin": {"origin": "null"},
}


@pytest.fixture
def browser(settings) -> BrowserClient:
    enable_scenarios(settings, PasswordScenario)
    return BrowserClient()


@pytest.fixture
def logged_in(browser) -> tuple[BrowserClient, object]:
    """A browser holding the cookies of a completed login, and its user."""
    user = UserFactory()
    browser.log_in(user)
    return browser, user


@pytest.fixture
def cookie_session(browser, make_access_token) -> tuple[BrowserClient, object]:
    """A browser holding an access cookie made by the issuer (works on a client service too), and its user."""
    user = UserFactory()
    browser.set_cookie(ACCESS_COOKIE, make_access_token(user))
    return browser, user


# GET csrf/


def test_csrf_answers_the_token_in_the_body_and_sets_the_csrftoken_cookie(browser):
    response = browser.get(CSRF_URL)
    assert response.status_code == 200
    assert set(response.json()) == {"csrf"}
    assert "csrftoken" in response.cookies, "csrf/ must set the csrftoken cookie that the token pairs with"
    assert len(response.json()["csrf"]) == 64, "the body holds Django's masked token"
    assert "no-store" in response["Cache-Control"], "a per-browser token must never be cached"


# Cookie attributes (SECURITY.md 64)


def test_login_sets_httponly_host_only_samesite_lax_cookies(logged_in):
    browser, _user = logged_in
    response = browser.log_in(UserFactory())
    for name in AUTH_COOKIES:
        attributes = cookie_attributes(response, name)
        assert attributes.get("httponly") is True, f"{name} must be HttpOnly"
        assert attributes.get("samesite") == "Lax", f"{name} must be SameSite=Lax by default"
        assert "domain" not in attributes, f"{name} must be host-only (no Domain)"
        assert len(response.cookies[name].output(header="").encode()) <= MAX_COOKIE_BYTES


def test_the_cookies_are_secure_outside_debug(browser, settings):
    settings.DEBUG = False
    response = browser.log_in(UserFactory())
    assert all(cookie_attributes(response, name).get("secure") is True for name in AUTH_COOKIES)


def test_the_cookies_are_not_secure_with_debug_so_that_http_localhost_works(browser, settings):
    settings.DEBUG = True
    response = browser.log_in(UserFactory())
    assert not any(cookie_attributes(response, name).get("secure") for name in AUTH_COOKIES)


def test_the_access_cookie_goes_everywhere_and_the_refresh_cookie_only_to_the_token_paths(browser):
    response = browser.log_in(UserFactory())
    assert cookie_attributes(response, ACCESS_COOKIE)["path"] == "/"
    refresh_path = cookie_attributes(response, REFRESH_COOKIE)["path"]
    assert refresh_path == REFRESH_COOKIE_PATH
    for path in (REFRESH_URL, LOGOUT_URL):
        assert path_matches(refresh_path, path), f"the refresh cookie must reach {path}"
    for path in ("/", "/admin/", "/api/", "/api/orders/", "/api/authz/"):
        assert not path_matches(refresh_path, path), f"the refresh cookie must not reach {path}"


def test_each_cookie_lives_no_longer_than_its_token(browser):
    response = browser.log_in(UserFactory())
    for name in AUTH_COOKIES:
        attributes = cookie_attributes(response, name)
        max_age = int(attributes["max-age"])
        assert 0 < max_age <= seconds_left(attributes["value"]), f"{name} Max-Age must not outlive its token"
    assert int(cookie_attributes(response, ACCESS_COOKIE)["max-age"]) <= access_lifetime()


def test_the_login_answer_carries_no_token_in_its_body(browser):
    response = browser.log_in(UserFactory())
    body = response.json()
    assert set(body) == {"status", "user", "expires_in"}, body
    assert body["expires_in"] == int(access_lifetime())
    for name in AUTH_COOKIES:
        assert response.cookies[name].value not in response.content.decode(), f"{name} must not be echoed"
    assert "no-store" in response["Cache-Control"]


def test_samesite_follows_the_setting(browser, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "AUTH_COOKIE_SAMESITE": "Strict"}
    response = browser.log_in(UserFactory())
    assert all(cookie_attributes(response, name)["samesite"] == "Strict" for name in AUTH_COOKIES)


def test_partitioned_cookies_are_written_when_the_setting_asks(browser, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "AUTH_COOKIE_PARTITIONED": True, "AUTH_COOKIE_SAMESITE": "None"}
    response = browser.log_in(UserFactory())
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
    response = browser.log_in(UserFactory())
    assert set(AUTH_COOKIES) <= set(response.cookies)


# Requests authenticated by the access cookie (SECURITY.md 65)


def test_the_access_cookie_authenticates_safe_requests_without_a_csrf_token(cookie_session):
    browser, user = cookie_session
    response = browser.get(ME_URL)
    assert response.status_code == 200, response.content
    assert response.json()["email"] == user.email


@pytest.mark.parametrize("failure", list(CSRF_FAILURES))
def test_an_unsafe_request_authenticated_by_the_cookie_is_refused_without_a_valid_csrf_token(failure, cookie_session):
    browser, user = cookie_session
    response = browser.patch(ME_URL, {"first_name": "Mallory"}, **CSRF_FAILURES[failure])
    assert_error(response, 403, CSRF_FAILED)
    user.refresh_from_db()
    assert user.first_name != "Mallory"


def test_over_https_a_request_without_origin_or_referer_is_refused(cookie_session):
    browser, _user = cookie_session
    response = browser.patch(ME_URL, {"first_name": "Mallory"}, origin=None, secure=True)
    assert_error(response, 403, CSRF_FAILED)


def test_an_unsafe_request_authenticated_by_the_cookie_passes_with_the_token_and_same_origin(cookie_session):
    browser, user = cookie_session
    response = browser.patch(ME_URL, {"first_name": "Alice"})
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.first_name == "Alice"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_simple_cross_site_request_is_refused(content_type, cookie_session):
    # What a cross-site <form> or no-preflight fetch() can send: no X-CSRFToken, a foreign Origin.
    browser, _user = cookie_session
    response = browser.patch(
        ME_URL,
        "first_name=Mallory",
        csrf=None,
        origin=EVIL_ORIGIN,
        content_type=content_type,
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert_error(response, 403, CSRF_FAILED)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_refused_with_415_even_with_the_csrf_token(content_type, cookie_session):
    browser, user = cookie_session
    response = browser.patch(ME_URL, "first_name=Mallory", content_type=content_type)
    assert response.status_code == 415, response.content
    user.refresh_from_db()
    assert user.first_name != "Mallory"


def test_a_forged_access_cookie_is_refused_with_token_not_valid(cookie_session):
    browser, _user = cookie_session
    _header, payload, _signature = browser.cookie(ACCESS_COOKIE).split(".")
    browser.set_cookie(ACCESS_COOKIE, f"{b64url({'alg': 'none', 'typ': 'JWT'})}.{payload}.")
    assert_error(browser.get(ME_URL), 401, TOKEN_NOT_VALID)


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
    other_browser.log_in(user)
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


# CORS (SECURITY.md 69)


@pytest.mark.parametrize(
    "origin", [EVIL_ORIGIN, "null", "https://app.example.com.evil.example", "http://app.example.com"]
)
def test_cors_never_allows_credentials_to_an_origin_that_is_not_listed_exactly(origin, browser, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = browser.client.options(ME_URL, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH")
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response


def test_cors_allows_credentials_to_a_listed_origin(browser, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = browser.client.options(
        ME_URL,
        HTTP_ORIGIN="https://app.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-csrftoken",
    )
    assert response["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "x-csrftoken" in response["Access-Control-Allow-Headers"]


# The OpenAPI schema


def test_the_schema_documents_the_cookie_scheme_and_the_csrf_endpoint(browser):
    schema = browser.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    cookie_scheme = schema["components"]["securitySchemes"]["cookieAuth"]
    assert cookie_scheme == {**cookie_scheme, "type": "apiKey", "in": "cookie", "name": ACCESS_COOKIE}
    assert {"cookieAuth": []} in schema["paths"][ME_URL]["get"]["security"]
    csrf_answer = schema["paths"][CSRF_URL]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert csrf_answer == {"$ref": "#/components/schemas/CsrfToken"}


# Only with token_transport=cookie: the cookie is the only way in.


@pytest.mark.token_transport("cookie")
def test_a_bearer_header_does_not_authenticate_with_the_cookie_transport(browser, make_access_token):
    response = browser.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {make_access_token(UserFactory())}")
    assert response.status_code == 401


# Only with token_transport=header: no cookie, no CSRF token.


@pytest.mark.token_transport("header")
def test_csrf_is_not_served_with_the_header_transport(api_client):
    assert api_client.get(CSRF_URL).status_code == 404
