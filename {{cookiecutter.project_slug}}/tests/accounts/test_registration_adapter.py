"""Who may register is the adapter's decision: a refused address gets 403 `registration_closed`, and nothing happens.

The refusal comes before anything else, so it is the same whether or not the address
has an account. Activation links are the adapter's too.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from {{ cookiecutter.project_slug }}.authn.adapter import GatehouseAdapter
from {{ cookiecutter.project_slug }}.authn.errors import REGISTRATION_CLOSED
from {{ cookiecutter.project_slug }}.authn.signals import pre_registration
from {{ cookiecutter.project_slug }}.mail.models import OutboxEmail

from ..factories import UserFactory
from .helpers import activation_params, emails_to, error_codes

pytestmark = pytest.mark.django_db

PASSWORD = "sturdy lantern orchard"
User = get_user_model()
# The addresses the adapters below were asked about.
ASKED: list[str] = []


class ClosedAdapter(GatehouseAdapter):
    """Registration is closed to everybody."""

    def is_open_for_registration(self, request, email: str) -> bool:
        """Nobody registers."""
        ASKED.append(email)
        return False


class CompanyOnlyAdapter(GatehouseAdapter):
    """Only addresses of example.com may register."""

    def is_open_for_registration(self, request, email: str) -> bool:
        """Addresses of example.com only."""
        ASKED.append(email)
        return email.endswith("@example.com")


class AppLinksAdapter(GatehouseAdapter):
    """Activation links open the mobile app, with the uid and token in its own path."""

    def activation_url(self, user, *, uid: str, token: str) -> str:
        """exampleapp://activate/<uid>/<token>"""
        return f"exampleapp://activate/{uid}/{token}"


@pytest.fixture
def adapter(settings):
    """adapter(cls): name `cls` of this module in GATEHOUSE["ADAPTER"] for the rest of the test."""
    ASKED.clear()

    def name(cls: type) -> None:
        settings.GATEHOUSE = {**settings.GATEHOUSE, "ADAPTER": f"{__name__}.{cls.__name__}"}

    return name


def register(accounts, email: str):
    return accounts.post("register/", {"email": email, "password": PASSWORD})


def test_a_closed_registration_answers_403_registration_closed(accounts, adapter):
    adapter(ClosedAdapter)
    response = register(accounts, "new@example.com")
    assert response.status_code == 403, response.content
    assert error_codes(response) == {(REGISTRATION_CLOSED, None)}


def test_a_refused_registration_creates_nothing_and_sends_nothing(accounts, adapter):
    adapter(ClosedAdapter)
    sent = []

    def receiver(**kwargs) -> None:
        sent.append(kwargs)

    pre_registration.connect(receiver)
    try:
        register(accounts, "new@example.com")
    finally:
        pre_registration.disconnect(receiver)
    assert not User.objects.filter(email="new@example.com").exists()
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []
    assert sent == [], "a refused registration does not begin"


def test_the_adapter_decides_on_the_normalized_address(accounts, adapter):
    adapter(CompanyOnlyAdapter)
    assert register(accounts, "New@Example.COM").status_code == 201
    assert ASKED == ["new@example.com"]
    assert User.objects.filter(email="new@example.com", is_active=False).exists()


def test_the_adapter_refuses_some_addresses_and_lets_others_register(accounts, adapter):
    adapter(CompanyOnlyAdapter)
    assert register(accounts, "new@example.com").status_code == 201
    refused = register(accounts, "new@elsewhere.example")
    assert error_codes(refused) == {(REGISTRATION_CLOSED, None)}
    assert not User.objects.filter(email="new@elsewhere.example").exists()


def test_a_refusal_is_the_same_whether_or_not_the_address_has_an_account(accounts, adapter):
    adapter(CompanyOnlyAdapter)
    UserFactory(email="known@elsewhere.example")
    known = register(accounts, "known@elsewhere.example")
    unknown = register(accounts, "unknown@elsewhere.example")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) == (403, known.json())
    assert mail.outbox == [], "the owner of a known address is not emailed either"


def test_a_closed_registration_still_lets_a_waiting_account_activate(accounts, adapter):
    register(accounts, "new@example.com")
    adapter(ClosedAdapter)
    (message,) = emails_to("new@example.com")
    response = accounts.post("register/activate/", activation_params(message))
    assert response.status_code == 200, response.content
    assert User.objects.get(email="new@example.com").is_active


def test_the_schema_documents_the_403_of_register(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    responses = schema["paths"]["/api/auth/register/"]["post"]["responses"]
    assert "403" in responses, "register/ must document its 403"
    assert REGISTRATION_CLOSED in responses["403"]["description"]


def test_the_adapters_activation_link_is_emailed_and_activates(accounts, adapter):
    adapter(AppLinksAdapter)
    register(accounts, "new@example.com")
    (message,) = emails_to("new@example.com")
    [link] = [word for word in message.body.split() if word.startswith("exampleapp://activate/")]
    uid, token = link.removeprefix("exampleapp://activate/").split("/")
    assert link in message.alternatives[0][0], "the HTML part carries the same link"
    response = accounts.post("register/activate/", {"uid": uid, "token": token})
    assert response.status_code == 200, response.content
    assert User.objects.get(email="new@example.com").is_active
