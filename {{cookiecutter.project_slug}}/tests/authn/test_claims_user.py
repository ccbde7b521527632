"""`request.user` with TOKEN_USER_SOURCE="claims": the User as far as the token says, the row read lazily for the rest.

The id, and the email and staff flags when the access token carries them
(USER_CLAIMS_IN_ACCESS_TOKENS), cost no query; anything else reads the user row
once per request, so that `IsAdminUser` and a project's own views see the real user.
"""

import pytest

from {{ cookiecutter.project_slug }}.authn.conf import auth_cookie_names, gatehouse_settings

from ..factories import UserFactory
from .claims_user_urls import ADMIN_URL, JOINED_URL, PROFILE_URL, with_user_views

pytestmark = [pytest.mark.django_db, with_user_views]


def get(api_client, url: str, token: str):
    """GET `url` with the access token where this project's transport reads it: the header, else the cookie."""
    if gatehouse_settings.TOKEN_TRANSPORT.reads_bearer_header:
        return api_client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    api_client.cookies[auth_cookie_names().access] = token
    return api_client.get(url)


@pytest.fixture
def claims_source(settings):
    """Stateless authentication, with minimal access tokens (the id and what the token classes set)."""
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": "claims", "USER_CLAIMS_IN_ACCESS_TOKENS": False}


@pytest.fixture
def with_user_claims(settings, claims_source):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "USER_CLAIMS_IN_ACCESS_TOKENS": True}


def profile(user) -> dict:
    return {"id": str(user.pk), "email": user.email, "is_staff": user.is_staff, "is_superuser": user.is_superuser}


def test_with_the_claims_in_the_token_a_view_reads_the_user_with_no_query(
    with_user_claims, api_client, issue_tokens, django_assert_num_queries
):
    user = UserFactory(is_staff=True)
    access = issue_tokens(user).access
    with django_assert_num_queries(0):
        response = get(api_client, PROFILE_URL, access)
    assert (response.status_code, response.json()) == (200, profile(user))


def test_without_them_the_row_is_read_once_for_what_the_token_does_not_say(
    claims_source, api_client, issue_tokens, django_assert_num_queries
):
    user = UserFactory()
    access = issue_tokens(user).access
    with django_assert_num_queries(1):
        response = get(api_client, PROFILE_URL, access)
    assert (response.status_code, response.json()) == (200, profile(user))


def test_a_field_no_claim_carries_is_read_from_the_row_once(
    with_user_claims, api_client, issue_tokens, django_assert_num_queries
):
    user = UserFactory()
    access = issue_tokens(user).access
    with django_assert_num_queries(1):
        response = get(api_client, JOINED_URL, access)
    assert response.status_code == 200, response.content
    assert response.json()["date_joined"] == user.date_joined.isoformat()


@pytest.mark.parametrize("user_claims", [False, True], ids=["minimal-access-tokens", "user-claims-in-access-tokens"])
def test_is_admin_user_lets_staff_in_and_keeps_others_out(
    user_claims, claims_source, settings, api_client, issue_tokens
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "USER_CLAIMS_IN_ACCESS_TOKENS": user_claims}
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert get(api_client, ADMIN_URL, issue_tokens(superuser).access).status_code == 200
    refused = get(api_client, ADMIN_URL, issue_tokens(UserFactory()).access)
    assert refused.status_code == 403, refused.content


def test_a_deleted_account_is_refused_when_its_row_is_needed(claims_source, api_client, issue_tokens):
    user = UserFactory()
    access = issue_tokens(user).access
    user.delete()
    response = get(api_client, PROFILE_URL, access)
    assert response.status_code == 401, response.content
    assert response.json()["errors"][0]["code"] == "token_not_valid"
