"""A project's adapter sizes the budgets of login/lockout.py: wrong answers and emails, per account and per client.

The answers checked here are errors and the `status` of a login, never its tokens, so
the tests read the same whichever transport carries them.
"""

from dataclasses import replace
from datetime import timedelta

import pytest

from {{ cookiecutter.project_slug }}.authn.adapter import GatehouseAdapter, Limit, Limits
from {{ cookiecutter.project_slug }}.authn.errors import INVALID_CREDENTIALS, LOCKED_OUT

from ..factories import DEFAULT_PASSWORD, UserFactory
from .helpers import BUILTIN_SCENARIOS, LoginClient, assert_error, enable_scenarios

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"
COOL_OFF = timedelta(minutes=5)
# What the adapters below were asked, as (method, identifier, scenario, step).
ASKED: list[tuple[str, str | None, str, str]] = []


class StrictPasswordAdapter(GatehouseAdapter):
    """Two wrong passwords lock an account for five minutes; other scenarios keep the defaults."""

    def lockout_limits(self, request, *, identifier, scenario, step) -> Limits:
        """Record what was asked, and shrink the password scenario's account budget."""
        ASKED.append(("lockout_limits", identifier, scenario, step))
        limits = super().lockout_limits(request, identifier=identifier, scenario=scenario, step=step)
        if scenario != "password":
            return limits
        return replace(limits, account=Limit(2, timedelta(hours=1), COOL_OFF))


class FewClientsAdapter(GatehouseAdapter):
    """One client address may give three wrong answers, across all accounts."""

    def lockout_limits(self, request, *, identifier, scenario, step) -> Limits:
        """The default account budget, a small client budget."""
        limits = super().lockout_limits(request, identifier=identifier, scenario=scenario, step=step)
        return replace(limits, client=Limit(3, timedelta(hours=1), COOL_OFF))


class OneCodeAdapter(GatehouseAdapter):
    """One login code per address and hour."""

    def email_limits(self, request, *, identifier, scenario, step) -> Limits:
        """Record what was asked, and allow one email per address."""
        ASKED.append(("email_limits", identifier, scenario, step))
        limits = super().email_limits(request, identifier=identifier, scenario=scenario, step=step)
        return replace(limits, account=Limit(1, timedelta(hours=1), timedelta(hours=1)))


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, *BUILTIN_SCENARIOS)
    ASKED.clear()
    return LoginClient(api_client, django_capture_on_commit_callbacks)


@pytest.fixture
def adapter(settings):
    """adapter(cls): name `cls` of this module in GATEHOUSE["ADAPTER"] for the rest of the test."""

    def name(cls: type) -> None:
        settings.GATEHOUSE = {**settings.GATEHOUSE, "ADAPTER": f"{__name__}.{cls.__name__}"}

    return name


def password_login(login: LoginClient, email: str, password: str, ip: str = "198.51.100.1"):
    return login.step("password", {"email": email, "password": password}, REMOTE_ADDR=ip)


def assert_locked_out(response, cool_off: timedelta) -> None:
    assert_error(response, 429, LOCKED_OUT)
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= cool_off.total_seconds(), f"Retry-After {retry_after} is not within {cool_off}"


def test_the_adapters_account_budget_locks_an_account(login, adapter):
    adapter(StrictPasswordAdapter)
    user = UserFactory()
    for _ in range(2):
        assert_error(password_login(login, user.email, WRONG), 401, INVALID_CREDENTIALS)
    # The right password, from another address: the adapter's lock holds, for the adapter's cool-off.
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD, ip="203.0.113.9"), COOL_OFF)


def test_without_the_adapter_the_same_failures_lock_nothing(login):
    user = UserFactory()
    for _ in range(2):
        password_login(login, user.email, WRONG)
    response = password_login(login, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 200, "two failures are far below the default LOCKOUT_ACCOUNT_THRESHOLD"
    assert response.json()["status"] == "complete"


def test_the_adapter_is_told_the_submitted_identifier_scenario_and_step(login, adapter):
    adapter(StrictPasswordAdapter)
    password_login(login, "Nobody@Example.com", WRONG)
    asked = set(ASKED)
    assert asked == {("lockout_limits", "nobody@example.com", "password", "credentials")}, (
        "the adapter decides on the normalized identifier, whether or not an account has it"
    )


def test_the_adapter_decides_per_scenario(login, adapter):
    adapter(StrictPasswordAdapter)
    user = UserFactory()
    for _ in range(2):
        login.step("password-and-email-code", {"email": user.email, "password": WRONG})
    response = login.step("password-and-email-code", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, "the strict budget is the password scenario's only"


def test_the_adapters_client_budget_locks_an_address_across_accounts(login, adapter):
    adapter(FewClientsAdapter)
    for number in range(3):
        password_login(login, f"victim{number}@example.com", WRONG, ip="198.51.100.7")
    user = UserFactory()
    assert_locked_out(password_login(login, user.email, DEFAULT_PASSWORD, ip="198.51.100.7"), COOL_OFF)
    assert password_login(login, user.email, DEFAULT_PASSWORD, ip="198.51.100.8").status_code == 200


def test_the_adapters_email_budget_caps_login_codes(login, adapter):
    adapter(OneCodeAdapter)
    user = UserFactory()
    assert login.step("email-code", {"email": user.email}).status_code == 200
    assert_locked_out(login.step("email-code", {"email": user.email}, REMOTE_ADDR="203.0.113.4"), timedelta(hours=1))
    # The `verify` step emails the code as the flow reaches it.
    assert ("email_limits", user.email, "email-code", "verify") in ASKED
