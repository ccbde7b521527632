"""The query budget of a refresh: at most six statements, and the user row read once.

A refresh reads the token's family with its user and whether the token was used (one
SELECT), then in one transaction moves the family on to the new token with a
conditional UPDATE, inserts the new outstanding token and blacklists the old one.
Tokens travel as this project's transport carries them: the refresh token in the body,
or in its cookie with the CSRF token.

The tests run in autocommit (`transaction=True`), as a request does in production
(no ATOMIC_REQUESTS): inside the usual per-test transaction every atomic block would
send a SAVEPOINT and a RELEASE instead of the transaction's own BEGIN and COMMIT.
"""

import pytest

from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..factories import UserFactory
from ..login.helpers import enable_scenarios
from ..query_budget import statements, user_row_reads
from .transport_client import TransportClient

REFRESH_QUERY_BUDGET = 6
ME_URL = "/api/auth/me/"
{%- if cookiecutter.token_transport == "both" %}
# The client chooses at each login: cookies (no preference) or the body.
PREFERENCES = [None, "token-transport=body"]
{%- else %}
PREFERENCES = [None]
{%- endif %}

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(settings, prefer: str | None, *, user_claims: bool = False) -> TransportClient:
    """A client of this project's transport, logged in with the password scenario."""
    enable_scenarios(settings, PasswordScenario, USER_CLAIMS_IN_ACCESS_TOKENS=user_claims)
    client = TransportClient(prefer)
    client.fetch_csrf_token()
    response = client.log_in(UserFactory())
    assert response.status_code == 200, (response.status_code, response.content)
    return client


@pytest.mark.parametrize("prefer", PREFERENCES)
@pytest.mark.parametrize("user_claims", [False, True], ids=["minimal-access-tokens", "user-claims-in-access-tokens"])
def test_a_refresh_makes_at_most_six_queries_and_reads_the_user_row_once(
    prefer, user_claims, settings, django_assert_max_num_queries
):
    client = log_in(settings, prefer, user_claims=user_claims)
    with django_assert_max_num_queries(REFRESH_QUERY_BUDGET) as captured:
        response = client.refresh_tokens()
    assert response.status_code == 200, (response.status_code, response.content)
    reads = user_row_reads(captured.captured_queries)
    assert len(reads) == 1, f"a refresh reads the user row once, not {len(reads)} times:\n{statements(captured)}"
    assert client.get(ME_URL).status_code == 200, "the refreshed access token authenticates requests"


@pytest.mark.parametrize("prefer", PREFERENCES)
def test_every_rotation_of_a_session_keeps_to_the_budget(prefer, settings, django_assert_max_num_queries):
    client = log_in(settings, prefer)
    for rotation in range(3):
        with django_assert_max_num_queries(REFRESH_QUERY_BUDGET):
            response = client.refresh_tokens()
        assert response.status_code == 200, (rotation, response.status_code, response.content)
