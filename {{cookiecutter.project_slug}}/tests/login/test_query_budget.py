"""The query budget of a password login: at most seven statements{% if cookiecutter.use_mfa == "y" %} (eight with second factors){% endif %}, and the user row read once.

The seven are the statements a completed login needs: read the account's lockout row
(the lock lives in the database so that no cache flush lifts it; a login with no
failures before it has none to delete), read the account by its email, insert the
refresh-token family and the outstanding token, update `last_login`, read the groups
that the answer lists, and insert the audit event.{% if cookiecutter.use_mfa == "y" %} The mfa app adds one: whether the
account has a second factor (the `mfa` step, login/completion.py).{% endif %} Whatever the transport
(tokens in the body or in cookies) and whether access tokens carry the user's fields,
the row the credentials step read is the one every later layer works from.

The tests run in autocommit (`transaction=True`), as a request does in production
(no ATOMIC_REQUESTS): inside the usual per-test transaction every atomic block would
add a SAVEPOINT and a RELEASE that a real request never sends.
"""

import pytest

from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario

from ..factories import UserFactory
from ..query_budget import statements, user_row_reads
from ..sessions.transport_client import TransportClient
from .helpers import assert_complete, enable_scenarios

LOGIN_QUERY_BUDGET = {% if cookiecutter.use_mfa == "y" %}8{% else %}7{% endif %}
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
