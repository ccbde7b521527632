"""token_transport=header: a login and a refresh answer the tokens in the body, and refresh and
logout read the refresh token from the body; no cookie is ever set."""

import pytest

from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import assert_complete, enable_scenarios, login_url
from .helpers import LOGOUT_URL, REFRESH_URL, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(api_client, settings):
    """The body of a completed password login."""
    enable_scenarios(settings, PasswordScenario)
    user = UserFactory()
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    response = api_client.post(login_url("password"), body, format="json")
    assert not response.cookies, "the header transport sets no cookie"
    return assert_complete(response, user)


def test_a_completed_login_answers_a_bearer_token_pair_in_the_body(logged_in):
    assert set(logged_in) == {"status", "user", "access", "refresh", "token_type", "expires_in"}
    assert logged_in["token_type"] == "Bearer"


def test_refresh_answers_the_new_pair_in_the_body_and_sets_no_cookie(api_client, logged_in):
    response = refresh(api_client, logged_in["refresh"])
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access", "refresh"}
    assert not response.cookies


@pytest.mark.parametrize(
    "body", [{}, {"refresh": None}, {"refresh": ["a"]}, {"refresh": {"a": 1}}, ["refresh"], "refresh", 12]
)
def test_a_malformed_refresh_body_is_refused_as_a_validation_error(body, api_client):
    response = api_client.post(REFRESH_URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


@pytest.mark.parametrize("body", ['{"refresh": ', '["refresh"]', '"refresh"', '{"refresh": null}', "{}"])
def test_logout_refuses_a_malformed_body_as_a_bad_request(body, api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    response = api_client.generic("POST", LOGOUT_URL, body, content_type="application/json")
    assert response.status_code == 400
    assert refresh(api_client, pair.refresh).status_code == 200
