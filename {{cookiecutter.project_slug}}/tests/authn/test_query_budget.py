"""The query budget of an authenticated request, with the access token where this project's transport carries it.
{% if cookiecutter.auth_role == "client_service" %}
A client service's user is made of the token's claims, with the local copy of the auth
service's user behind it (remote/copy_user.py): the first request of a user reads the
copy once; later ones whose token says nothing new read nothing and write nothing,
until REMOTE_USER_COPY_CHECK_INTERVAL has passed; `me/` reads the copy, once.
{%- else %}
With GATEHOUSE["TOKEN_USER_SOURCE"] = "claims" (stateless) authentication makes no
query; with "database" it reads the user row, once. `me/` needs the row whatever the
source, and reads it once too (plus the user's groups, which it lists).
{%- endif %}
"""

{% if cookiecutter.auth_role == "client_service" -%}
from datetime import timedelta

{% endif -%}
import pytest

from {{ cookiecutter.project_slug }}.authn.conf import auth_cookie_names

from ..factories import UserFactory
from ..query_budget import statements, user_row_reads
from .whoami_urls import WHOAMI_URL, with_whoami

ME_URL = "/api/auth/me/"
{%- if cookiecutter.token_transport == "header" %}
# Where the clients of this project's transport send the access token.
CARRIERS = ["bearer"]
{%- elif cookiecutter.token_transport == "cookie" %}
# Where the clients of this project's transport send the access token.
CARRIERS = ["cookie"]
{%- else %}
# Where the clients of this project's transport send the access token: either way.
CARRIERS = ["bearer", "cookie"]
{%- endif %}

pytestmark = pytest.mark.django_db


def get_with_token(api_client, url: str, token: str, carrier: str):
    """GET `url` with the access token as a Bearer header or in the access cookie."""
    if carrier == "bearer":
        return api_client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    api_client.cookies[auth_cookie_names().access] = token
    return api_client.get(url)
{%- if cookiecutter.auth_role == "client_service" %}


@with_whoami
@pytest.mark.parametrize("carrier", CARRIERS)
def test_an_authenticated_request_reads_the_local_copy_once_and_writes_nothing(
    carrier, api_client, make_access_token, django_assert_num_queries
):
    user = UserFactory()
    token = make_access_token(user)
    with django_assert_num_queries(1) as captured:
        response = get_with_token(api_client, WHOAMI_URL, token, carrier)
    assert response.status_code == 200, (response.status_code, response.content)
    assert response.json() == {"id": str(user.pk)}
    assert len(user_row_reads(captured.captured_queries)) == 1, statements(captured)


@with_whoami
@pytest.mark.parametrize("carrier", CARRIERS)
def test_later_requests_whose_token_says_nothing_new_make_no_query(
    carrier, api_client, make_access_token, django_assert_num_queries
):
    user = UserFactory()
    token = make_access_token(user)
    assert get_with_token(api_client, WHOAMI_URL, token, carrier).status_code == 200
    with django_assert_num_queries(0):
        for _ in range(3):
            response = get_with_token(api_client, WHOAMI_URL, token, carrier)
            assert response.status_code == 200, (response.status_code, response.content)


@with_whoami
@pytest.mark.parametrize("carrier", CARRIERS)
def test_with_no_check_interval_every_request_reads_the_copy(
    carrier, api_client, make_access_token, settings, django_assert_num_queries
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "REMOTE_USER_COPY_CHECK_INTERVAL": timedelta(0)}
    user = UserFactory()
    token = make_access_token(user)
    assert get_with_token(api_client, WHOAMI_URL, token, carrier).status_code == 200
    with django_assert_num_queries(1):
        assert get_with_token(api_client, WHOAMI_URL, token, carrier).status_code == 200


@pytest.mark.parametrize("carrier", CARRIERS)
def test_me_reads_the_local_copy_once(carrier, api_client, make_access_token, django_assert_max_num_queries):
    user = UserFactory()
    token = make_access_token(user)
    with django_assert_max_num_queries(2) as captured:
        response = get_with_token(api_client, ME_URL, token, carrier)
    assert response.status_code == 200, (response.status_code, response.content)
    assert response.json()["email"] == user.email
    reads = user_row_reads(captured.captured_queries)
    assert len(reads) == 1, f"me/ reads the copy once, not {len(reads)} times:\n{statements(captured)}"
{%- else %}


@with_whoami
@pytest.mark.parametrize("carrier", CARRIERS)
def test_a_stateless_authenticated_request_makes_no_query(
    carrier, api_client, make_access_token, settings, django_assert_num_queries
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": "claims"}
    user = UserFactory()
    token = make_access_token(user)
    with django_assert_num_queries(0):
        response = get_with_token(api_client, WHOAMI_URL, token, carrier)
    assert response.status_code == 200, (response.status_code, response.content)
    assert response.json() == {"id": str(user.pk)}


@with_whoami
@pytest.mark.parametrize("carrier", CARRIERS)
def test_a_database_authenticated_request_reads_the_user_row_and_nothing_else(
    carrier, api_client, make_access_token, settings, django_assert_num_queries
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": "database"}
    user = UserFactory()
    token = make_access_token(user)
    with django_assert_num_queries(1) as captured:
        response = get_with_token(api_client, WHOAMI_URL, token, carrier)
    assert response.status_code == 200, (response.status_code, response.content)
    assert response.json() == {"id": str(user.pk)}
    assert len(user_row_reads(captured.captured_queries)) == 1, statements(captured)


@pytest.mark.parametrize("carrier", CARRIERS)
@pytest.mark.parametrize("source", ["claims", "database"])
def test_me_reads_the_user_row_once_whatever_the_source(
    source, carrier, api_client, make_access_token, settings, django_assert_max_num_queries
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": source}
    user = UserFactory()
    token = make_access_token(user)
    # The user row and the user's groups.
    with django_assert_max_num_queries(2) as captured:
        response = get_with_token(api_client, ME_URL, token, carrier)
    assert response.status_code == 200, (response.status_code, response.content)
    assert response.json()["email"] == user.email
    reads = user_row_reads(captured.captured_queries)
    assert len(reads) == 1, f"me/ reads the user row once, not {len(reads)} times:\n{statements(captured)}"
{%- endif %}
