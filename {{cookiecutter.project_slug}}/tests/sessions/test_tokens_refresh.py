"""`token/refresh/` rotates: a refresh token buys one new pair, and is refused from then on."""

import jwt
import pytest

from {{ cookiecutter.project_slug }}.authn.errors import TOKEN_NOT_VALID

from ..factories import UserFactory
from ..tokens import authenticated
from .helpers import REFRESH_URL, refresh, tokens_of

pytestmark = pytest.mark.django_db


def assert_refused(response):
    assert response.status_code == 401, response.content
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == TOKEN_NOT_VALID
    assert response.json()["errors"][0]["attr"] is None


def test_refresh_answers_a_new_access_token_and_a_new_refresh_token(api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    rotated = tokens_of(refresh(api_client, pair.refresh))
    assert rotated.refresh != pair.refresh
    assert rotated.access != pair.access


def test_refresh_is_never_cached(api_client, issue_tokens):
    response = refresh(api_client, issue_tokens(UserFactory()).refresh)
    assert "no-store" in response["Cache-Control"]


def test_the_new_access_token_authenticates_requests(api_client, issue_tokens):
    user = UserFactory()
    access = tokens_of(refresh(api_client, issue_tokens(user).refresh)).access
    assert api_client.get("/api/auth/me/", **authenticated(access)).json()["id"] == str(user.pk)


def test_a_rotated_refresh_token_is_refused(api_client, issue_tokens):
    # Regression: a previous package left the old refresh token valid after rotation.
    pair = issue_tokens(UserFactory())
    assert refresh(api_client, pair.refresh).status_code == 200
    assert_refused(refresh(api_client, pair.refresh))


def test_the_rotated_in_refresh_token_works_once(api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    second = tokens_of(refresh(api_client, pair.refresh)).refresh
    assert refresh(api_client, second).status_code == 200
    assert_refused(refresh(api_client, second))


def test_an_access_token_is_refused_as_a_refresh_token(api_client, issue_tokens):
    assert_refused(refresh(api_client, issue_tokens(UserFactory()).access))


def test_a_refresh_token_with_a_modified_payload_is_refused(api_client, issue_tokens):
    header, _payload, signature = issue_tokens(UserFactory()).refresh.split(".")
    other_payload = issue_tokens(UserFactory()).refresh.split(".")[1]
    assert_refused(refresh(api_client, f"{header}.{other_payload}.{signature}"))


def test_a_refresh_token_from_another_issuer_is_refused(api_client, issue_tokens, sign_token):
    claims = jwt.decode(issue_tokens(UserFactory()).refresh, options={"verify_signature": False})
    token = sign_token({**claims, "iss": "https://evil.example"}, headers={"typ": "rt+jwt"})
    assert_refused(refresh(api_client, token))


def test_a_deactivated_users_refresh_token_is_refused(api_client, issue_tokens):
    user = UserFactory()
    pair = issue_tokens(user)
    user.is_active = False
    user.save()
    assert_refused(refresh(api_client, pair.refresh))


def test_a_deleted_users_refresh_token_is_refused(api_client, issue_tokens):
    user = UserFactory()
    pair = issue_tokens(user)
    user.delete()
    assert_refused(refresh(api_client, pair.refresh))


@pytest.mark.parametrize("token", ["", "a.b.c", "not-a-token", "a.b", "a.b.c.d.e", "x" * 10_000])
def test_a_malformed_refresh_token_is_refused_without_a_server_error(token, api_client):
    response = refresh(api_client, token)
    assert response.status_code in {400, 401}
    assert response.status_code == 401 or response.json()["type"] == "validation_error"


def test_malformed_json_is_refused(api_client):
    response = api_client.generic("POST", REFRESH_URL, '{"refresh": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_refresh_refuses_get(api_client):
    assert api_client.get(REFRESH_URL).status_code == 405
