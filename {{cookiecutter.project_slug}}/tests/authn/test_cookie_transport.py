"""The access cookie authenticates requests, with Django's CSRF protection (DESIGN.md "Cookie transport"; SECURITY.md G).

A cookie authenticates safe requests alone; an unsafe request that a cookie authenticates also
needs the CSRF token of `GET csrf/` and a same-site or trusted Origin. Credentialed CORS goes
only to the origins listed exactly. (Logins, refreshes and logouts with cookies: tests/sessions/.)
"""

import pytest

from {{ cookiecutter.project_slug }}.authn.errors import CSRF_FAILED, TOKEN_NOT_VALID

from ..factories import UserFactory
from ..tokens import b64url{% if cookiecutter.token_transport == "cookie" %}, bearer{% endif %}
from .cookie_helpers import ACCESS_COOKIE, CSRF_FAILURES, CSRF_URL, EVIL_ORIGIN, ME_URL, BrowserClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser() -> BrowserClient:
    return BrowserClient()


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


def test_the_csrftoken_cookie_follows_the_samesite_setting_and_is_partitioned_when_asked(browser, settings):
    settings.CSRF_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE = "None", True
    settings.GATEHOUSE = {**settings.GATEHOUSE, "CSRF_COOKIE_PARTITIONED": True}
    line = browser.get(CSRF_URL).cookies["csrftoken"].output(header="")
    attributes = {part.strip().partition("=")[0].lower() for part in line.split(";")}
    assert {"samesite", "secure", "partitioned"} <= attributes, line
    assert "SameSite=None" in line


def test_the_csrftoken_cookie_is_not_partitioned_by_default(browser):
    line = browser.get(CSRF_URL).cookies["csrftoken"].output(header="")
    assert "Partitioned" not in line
    assert "SameSite=Lax" in line


# Requests authenticated by the access cookie (SECURITY.md 65)


def test_the_access_cookie_authenticates_safe_requests_without_a_csrf_token(cookie_session):
    browser, user = cookie_session
    response = browser.get(ME_URL)
    assert response.status_code == 200, response.content
    assert response.json()["email"] == user.email


@pytest.mark.parametrize("failure", list(CSRF_FAILURES))
def test_an_unsafe_request_authenticated_by_the_cookie_is_refused_without_a_valid_csrf_token(failure, cookie_session):
    browser, user = cookie_session
    first_name = user.first_name
    response = browser.patch(ME_URL, {"first_name": f"{first_name} (forged)"}, **CSRF_FAILURES[failure])
    assert_csrf_failed(response)
    user.refresh_from_db()
    assert user.first_name == first_name


def test_over_https_a_request_without_origin_or_referer_is_refused(cookie_session):
    browser, _user = cookie_session
    response = browser.patch(ME_URL, {"first_name": "Mallory"}, origin=None, secure=True)
    assert_csrf_failed(response)
{%- if cookiecutter.auth_role != "client_service" %}


def test_an_unsafe_request_authenticated_by_the_cookie_passes_with_the_token_and_same_origin(cookie_session):
    browser, user = cookie_session
    response = browser.patch(ME_URL, {"first_name": "Alice"})
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.first_name == "Alice"
{%- endif %}


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
    assert_csrf_failed(response)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_refused_with_415_even_with_the_csrf_token(content_type, cookie_session):
    browser, user = cookie_session
    first_name = user.first_name
    response = browser.patch(ME_URL, "first_name=Mallory", content_type=content_type)
    assert response.status_code == 415, response.content
    user.refresh_from_db()
    assert user.first_name == first_name


def test_a_forged_access_cookie_is_refused_with_token_not_valid(cookie_session):
    browser, _user = cookie_session
    _header, payload, _signature = browser.cookie(ACCESS_COOKIE).split(".")
    browser.set_cookie(ACCESS_COOKIE, f"{b64url({'alg': 'none', 'typ': 'at+jwt'})}.{payload}.")
    response = browser.get(ME_URL)
    assert response.status_code == 401, response.content
    assert response.json()["errors"][0]["code"] == TOKEN_NOT_VALID
{%- if cookiecutter.token_transport == "cookie" %}


def test_a_bearer_header_does_not_authenticate_with_the_cookie_transport(browser, make_access_token):
    response = browser.get(ME_URL, **bearer(make_access_token(UserFactory())))
    assert response.status_code == 401
{%- endif %}


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


def assert_csrf_failed(response) -> None:
    assert response.status_code == 403, (response.status_code, response.content)
    assert response.json()["errors"][0]["code"] == CSRF_FAILED, response.json()
