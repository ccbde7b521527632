"""The query budget of a password login: at most six statements{% if cookiecutter.use_mfa == "y" %}, second factors included{% endif %}, and the user row read once.

The six are the statements a completed login needs: read the account's lockout row
(the lock lives in the database so that no cache flush lifts it; a login with no
failures before it has none to delete), read the account by its email (with its
groups, which the answer lists{% if cookiecutter.use_mfa == "y" %}, and whether it has a second factor, which the `mfa`
step asks (login/completion.py){% endif %}: login/accounts.py), insert the refresh-token
family and the outstanding token, update `last_login`, and insert the audit event.
Whatever the transport (tokens in the body or in cookies) and whether access tokens
carry the user's fields, the row the credentials step read is the one every later layer
works from.

The tests run in autocommit (`transaction=True`), as a request does in production
(no ATOMIC_REQUESTS): inside the usual per-test transaction every atomic block would
add a SAVEPOINT and a RELEASE that a real request never sends.
"""

import pytest
from django.contrib.auth.models import Group

from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..factories import UserFactory
from ..query_budget import statements, user_row_reads
from ..sessions.transport_client import TransportClient
from .helpers import assert_complete, enable_scenarios

LOGIN_QUERY_BUDGET = 6
{%- if cookiecutter.token_transport == "both" %}
# The client chooses at each login: cookies (no preference) or the body.
PREFERENCES = [None, "token-transport=body"]
{%- else %}
PREFERENCES = [None]
{%- endif %}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("prefer", PREFERENCES)
@pytest.mark.parametrize("user_claims", [False, True], ids=["minimal-access-tokens", "user-claims-in-access-tokens"])
def test_a_password_login_stays_within_its_query_budget_and_reads_the_user_row_once(
    prefer, user_claims, settings, django_assert_max_num_queries
):
    enable_scenarios(settings, PasswordScenario, USER_CLAIMS_IN_ACCESS_TOKENS=user_claims)
    user = UserFactory()
    client = TransportClient(prefer)
    client.fetch_csrf_token()
    with django_assert_max_num_queries(LOGIN_QUERY_BUDGET) as captured:
        response = client.log_in(user)
    assert_complete(response, user)
    reads = user_row_reads(captured.captured_queries)
    assert len(reads) == 1, f"a login reads the user row once, not {len(reads)} times:\n{statements(captured)}"


def test_a_login_lists_the_groups_it_read_with_the_user_row(settings, django_assert_max_num_queries):
    enable_scenarios(settings, PasswordScenario)
    user = UserFactory()
    user.groups.set([Group.objects.create(name="editors"), Group.objects.create(name="auditors")])
    client = TransportClient(PREFERENCES[-1])
    client.fetch_csrf_token()
    with django_assert_max_num_queries(LOGIN_QUERY_BUDGET) as captured:
        response = client.log_in(user)
    body = assert_complete(response, user)
    assert sorted(body["user"]["groups"]) == ["auditors", "editors"], body["user"]
    group_reads = [
        query["sql"] for query in captured.captured_queries if query["sql"].startswith('SELECT "auth_group"')
    ]
    assert not group_reads, f"the groups come with the user row, not in a query of their own:\n{statements(captured)}"
