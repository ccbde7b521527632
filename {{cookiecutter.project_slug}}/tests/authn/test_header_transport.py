"""token_transport=header: only the `Authorization: Bearer` header authenticates; no cookie does, and
no CSRF token is needed or served."""

import pytest

from {{ cookiecutter.project_slug }}.authn.conf import auth_cookie_names
from {{ cookiecutter.project_slug }}.authn.errors import NOT_AUTHENTICATED, TOKEN_NOT_VALID

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

ME_URL = "/api/auth/me/"


def test_an_authorization_header_of_more_than_two_words_is_refused(api_client):
    response = api_client.get(ME_URL, HTTP_AUTHORIZATION="Bearer one two")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == TOKEN_NOT_VALID


def test_an_access_cookie_does_not_authenticate(api_client, make_access_token):
    api_client.cookies[auth_cookie_names().access] = make_access_token(UserFactory())
    response = api_client.get(ME_URL)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == NOT_AUTHENTICATED


def test_csrf_is_not_served(api_client):
    assert api_client.get("/api/auth/csrf/").status_code == 404


def test_the_schema_offers_only_the_bearer_scheme(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["paths"][ME_URL]["get"]["security"] == [{"jwtAuth": []}]
    assert "cookieAuth" not in schema["components"]["securitySchemes"]
