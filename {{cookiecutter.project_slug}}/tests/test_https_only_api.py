"""Where the site is HTTPS-only, plain-HTTP API requests are refused with a JSON 403, never redirected."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

# As in production settings.
HTTPS_ONLY = override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^health/$", r"^api/"])


@HTTPS_ONLY
def test_a_plain_http_api_request_is_refused_not_redirected(api_client):
    response = api_client.get("/api/auth/options/")
    assert response.status_code == 403
    assert "Location" not in response
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "https_required", "detail": "The API answers HTTPS requests only.", "attr": None}],
    }


@HTTPS_ONLY
def test_a_token_sent_over_plain_http_is_not_accepted(api_client):
    response = api_client.get("/api/auth/me/", HTTP_AUTHORIZATION="Bearer any.token.value")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "https_required"


@HTTPS_ONLY
def test_an_https_api_request_is_served(api_client):
    response = api_client.get("/api/schema/", secure=True, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200


@HTTPS_ONLY
def test_other_pages_are_still_redirected_to_https(client):
    response = client.get("/admin/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/admin/login/"


@HTTPS_ONLY
def test_the_health_check_answers_plain_http(api_client):
    assert api_client.get("/health/").status_code == 200
