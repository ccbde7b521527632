"""The adapter of docs/adapter.md (example_adapter.py, verbatim there), driven over HTTP.

The template's tests check that docs/adapter.md shows example_adapter.py as it is, so
the doc cannot show an adapter that does not work.
"""

import pytest

from {{ cookiecutter.project_slug }}.authn.errors import LOCKED_OUT, REGISTRATION_CLOSED
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario
from {{ cookiecutter.project_slug }}.mail.models import OutboxEmail

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import assert_error, enable_scenarios, login_url
from .example_adapter import ProjectAdapter
from .helpers import emails_to, error_codes

pytestmark = pytest.mark.django_db

PASSWORD = "sturdy lantern orchard"


@pytest.fixture(autouse=True)
def project_adapter(settings):
    """Name the example adapter in GATEHOUSE["ADAPTER"], extending the project's GATEHOUSE as the doc does."""
    settings.GATEHOUSE = {**settings.GATEHOUSE, "ADAPTER": f"{ProjectAdapter.__module__}.ProjectAdapter"}


def test_the_companys_addresses_register(accounts):
    response = accounts.post("register/", {"email": "New@Example.com", "password": PASSWORD})
    assert response.status_code == 201, response.content


def test_other_addresses_are_refused_with_registration_closed(accounts):
    response = accounts.post("register/", {"email": "new@elsewhere.example", "password": PASSWORD})
    assert response.status_code == 403
    assert error_codes(response) == {(REGISTRATION_CLOSED, None)}


def test_three_wrong_passwords_lock_an_account_for_an_hour(api_client, settings):
    enable_scenarios(settings, PasswordScenario)
    user = UserFactory()
    for _ in range(3):
        api_client.post(login_url("password"), {"email": user.email, "password": "wrong guess"}, format="json")
    locked = api_client.post(login_url("password"), {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")
    assert_error(locked, 429, LOCKED_OUT)
    assert 15 * 60 < int(locked["Retry-After"]) <= 60 * 60, "the lock lasts the adapter's hour, not the default"


def test_every_email_names_its_kind_in_a_header(accounts):
    accounts.post("register/", {"email": "new@example.com", "password": PASSWORD})
    (message,) = emails_to("new@example.com")
    assert message.extra_headers["X-Email-Kind"] == OutboxEmail.Kind.ACTIVATION
