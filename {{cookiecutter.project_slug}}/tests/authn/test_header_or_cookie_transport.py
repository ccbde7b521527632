"""token_transport=both: a request may present its access token in a Bearer header or in the cookie.

Where a request has both, the header wins and the cookie is ignored, so one request never mixes
two identities; CSRF applies whenever the cookie is used. (Choosing at login: tests/sessions/.)
"""

import pytest

from {{ cookiecutter.project_slug }}.authn.errors import CSRF_FAILED

from ..factories import UserFactory
from ..tokens import bearer
from .cookie_helpers import ACCESS_COOKIE, ME_URL, BrowserClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser() -> BrowserClient:
    return BrowserClient()


def test_the_bearer_header_wins_over_the_access_cookie(browser, make_access_token):
    cookie_user, header_user = UserFactory(), UserFactory()
    browser.set_cookie(ACCESS_COOKIE, make_access_token(cookie_user))
    response = browser.get(ME_URL, **bearer(make_access_token(header_user)))
    assert response.json()["email"] == header_user.email
{%- if cookiecutter.auth_role != "client_service" %}


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
{%- endif %}


def test_an_invalid_bearer_header_is_refused_even_with_a_valid_cookie(browser, make_access_token):
    browser.set_cookie(ACCESS_COOKIE, make_access_token(UserFactory()))
    assert browser.get(ME_URL, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_the_access_cookie_alone_still_needs_the_csrf_token_on_unsafe_requests(browser, make_access_token):
    browser.set_cookie(ACCESS_COOKIE, make_access_token(UserFactory()))
    response = browser.patch(ME_URL, {"first_name": "Mallory"}, csrf=None)
    assert response.status_code == 403, response.content
    assert response.json()["errors"][0]["code"] == CSRF_FAILED


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
