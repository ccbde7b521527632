"""`token/verify/` answers 200 exactly for a token that would authenticate a request."""

import pytest

from {{ cookiecutter.project_slug }}.authn.errors import TOKEN_NOT_VALID

from ..factories import UserFactory
from ..tokens import OMIT

pytestmark = pytest.mark.django_db

VERIFY_URL = "/api/auth/token/verify/"


def assert_refused(response):
    assert response.status_code == 401, response.content
    assert response.json()["errors"][0]["code"] == TOKEN_NOT_VALID
    assert response.json()["errors"][0]["attr"] is None


def test_verify_accepts_a_valid_access_token(api_client, make_access_token):
    response = api_client.post(VERIFY_URL, {"token": make_access_token(UserFactory())}, format="json")
    assert response.status_code == 200
    assert response.json() == {}


def test_verify_refuses_a_refresh_token(api_client, make_access_token):
    token = make_access_token(UserFactory(), token_type="refresh")
    assert_refused(api_client.post(VERIFY_URL, {"token": token}, format="json"))


def test_verify_refuses_a_token_without_a_type(api_client, make_access_token):
    token = make_access_token(UserFactory(), token_type=OMIT)
    assert_refused(api_client.post(VERIFY_URL, {"token": token}, format="json"))


def test_verify_refuses_an_expired_token(api_client, make_access_token):
    token = make_access_token(UserFactory(), exp=1)
    assert_refused(api_client.post(VERIFY_URL, {"token": token}, format="json"))


def test_verify_refuses_a_token_for_another_audience(api_client, make_access_token):
    token = make_access_token(UserFactory(), aud="https://other.example.com/api")
    assert_refused(api_client.post(VERIFY_URL, {"token": token}, format="json"))


def test_verify_refuses_garbage(api_client):
    assert_refused(api_client.post(VERIFY_URL, {"token": "a.b.c"}, format="json"))


def test_verify_refuses_a_deactivated_users_token_when_users_come_from_the_database(
    api_client, make_access_token, settings
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": "database"}
    user = UserFactory()
    token = make_access_token(user)
    user.is_active = False
    user.save()
    assert_refused(api_client.post(VERIFY_URL, {"token": token}, format="json"))


@pytest.mark.parametrize(
    "body", [{}, {"token": None}, {"token": ""}, {"token": ["a", "b"]}, {"token": {}}, ["token"], "token"]
)
def test_verify_refuses_a_malformed_body_as_a_validation_error(body, api_client):
    response = api_client.post(VERIFY_URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


def test_verify_refuses_get(api_client):
    assert api_client.get(VERIFY_URL).status_code == 405
