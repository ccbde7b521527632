"""The adapter: one class, named in GATEHOUSE["ADAPTER"], whose methods make the decisions a project overrides.

The defaults are Gatehouse's own (the GATEHOUSE values, FRONTEND_URL, Django's email
backend); each app's tests show that a project's adapter changes what that app does.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory

from {{ cookiecutter.project_slug }}.authn import checks
from {{ cookiecutter.project_slug }}.authn.adapter import GatehouseAdapter, Limit, Limits, get_adapter
from {{ cookiecutter.project_slug }}.authn.conf import DEFAULTS

from ..factories import UserFactory

FRONTEND = "https://app.example.org"


class ProjectAdapter(GatehouseAdapter):
    """A project's adapter: links into a mobile app instead of the web frontend."""

    def frontend_url(self, path: str, **query: str) -> str:
        """Every email link opens the app."""
        return super().frontend_url(path, **query).replace(FRONTEND, "exampleapp:/")


class NotAnAdapter:
    """Has the methods' names, but is not a GatehouseAdapter."""

    def send_email(self, message, *, kind, user) -> None:
        message.send()


@pytest.fixture
def adapter(settings):
    """adapter(path): name `path` in GATEHOUSE["ADAPTER"] for the rest of the test."""

    def name(path: str) -> None:
        settings.GATEHOUSE = {**settings.GATEHOUSE, "ADAPTER": path}

    return name


def a_request():
    """A login request, as the adapter's callers pass it."""
    return RequestFactory().post("/api/auth/login/password/")


def test_by_default_the_adapter_is_gatehouses_own():
    assert DEFAULTS["ADAPTER"] == "{{ cookiecutter.project_slug }}.authn.adapter.GatehouseAdapter"
    assert type(get_adapter()) is GatehouseAdapter


def test_every_caller_shares_one_instance_of_the_adapter():
    assert get_adapter() is get_adapter()


def test_the_class_named_in_settings_is_the_adapter(adapter):
    adapter(f"{__name__}.ProjectAdapter")
    assert type(get_adapter()) is ProjectAdapter


def test_the_adapter_follows_a_change_of_the_setting(adapter):
    adapter(f"{__name__}.ProjectAdapter")
    assert isinstance(get_adapter(), ProjectAdapter)
    adapter("{{ cookiecutter.project_slug }}.authn.adapter.GatehouseAdapter")
    assert type(get_adapter()) is GatehouseAdapter


def test_the_default_lockout_limits_are_the_gatehouse_values(settings):
    settings.GATEHOUSE = {
        **settings.GATEHOUSE,
        "LOCKOUT_ACCOUNT_THRESHOLD": 4,
        "LOCKOUT_ACCOUNT_MAX_FAILURES": 60,
        "LOCKOUT_ACCOUNT_WINDOW": timedelta(days=7),
        "LOCKOUT_IP_THRESHOLD": 40,
        "LOCKOUT_WINDOW": timedelta(minutes=30),
        "LOCKOUT_COOL_OFF": timedelta(minutes=5),
        "LOCKOUT_MAX_COOL_OFF": timedelta(hours=6),
    }
    limits = get_adapter().lockout_limits(a_request(), identifier="bob@example.com", scenario="password", step="x")
    assert limits == Limits(
        account=Limit(4, timedelta(days=7), timedelta(minutes=5), max_cool_off=timedelta(hours=6), max_failures=60),
        client=Limit(40, timedelta(minutes=30), timedelta(minutes=5)),
    )


def test_the_default_lockout_limits_are_the_documented_ones():
    limits = get_adapter().lockout_limits(a_request(), identifier=None, scenario="password", step="credentials")
    assert limits.account == Limit(
        10, timedelta(days=30), timedelta(minutes=15), max_cool_off=timedelta(days=1), max_failures=100
    )
    assert limits.client == Limit(50, timedelta(hours=1), timedelta(minutes=15))


def test_the_default_email_limits_are_the_gatehouse_values_and_hold_for_their_window(settings):
    settings.GATEHOUSE = {
        **settings.GATEHOUSE,
        "EMAIL_ACCOUNT_LIMIT": 2,
        "EMAIL_IP_LIMIT": 7,
        "EMAIL_WINDOW": timedelta(minutes=20),
    }
    limits = get_adapter().email_limits(a_request(), identifier="bob@example.com", scenario="accounts", step="x")
    assert limits == Limits(
        account=Limit(2, timedelta(minutes=20), timedelta(minutes=20)),
        client=Limit(7, timedelta(minutes=20), timedelta(minutes=20)),
    )


def test_by_default_registration_is_open_to_every_address():
    assert get_adapter().is_open_for_registration(a_request(), "anybody@example.net") is True


def test_links_point_at_the_frontend_whatever_host_the_request_named(settings):
    settings.FRONTEND_URL = f"{FRONTEND}/"
    user, links = UserFactory.build(), get_adapter()
    assert links.activation_url(user, uid="MQ", token="a") == f"{FRONTEND}/activate?uid=MQ&token=a"
    assert links.password_reset_url(user, uid="MQ", token="b") == f"{FRONTEND}/reset-password?uid=MQ&token=b"
    assert links.frontend_url("/") == f"{FRONTEND}/", "a link without a query has no `?`"


def test_the_link_paths_are_the_gatehouse_values(settings):
    settings.FRONTEND_URL = FRONTEND
    settings.GATEHOUSE = {**settings.GATEHOUSE, "ACTIVATION_URL_PATH": "/welcome", "PASSWORD_RESET_URL_PATH": "reset"}
    user, links = UserFactory.build(), get_adapter()
    assert links.activation_url(user, uid="MQ", token="t") == f"{FRONTEND}/welcome?uid=MQ&token=t"
    assert links.password_reset_url(user, uid="MQ", token="t") == f"{FRONTEND}/reset?uid=MQ&token=t"


def test_a_project_adapter_moves_every_link_by_overriding_one_method(settings, adapter):
    settings.FRONTEND_URL = FRONTEND
    adapter(f"{__name__}.ProjectAdapter")
    user, links = UserFactory.build(), get_adapter()
    assert links.activation_url(user, uid="MQ", token="t") == "exampleapp://activate?uid=MQ&token=t"
    assert links.password_reset_url(user, uid="MQ", token="t") == "exampleapp://reset-password?uid=MQ&token=t"


def test_by_default_an_email_leaves_through_the_email_backend():
    message = EmailMessage(subject="Hello", body="Hi", to=["bob@example.com"])
    get_adapter().send_email(message, kind="account_exists", user=UserFactory.build(email="bob@example.com"))
    assert [sent.subject for sent in mail.outbox] == ["Hello"]


def test_the_project_settings_name_a_usable_adapter():
    assert checks.check_adapter() == []


def test_the_adapter_setting_is_a_known_setting(adapter):
    adapter(f"{__name__}.ProjectAdapter")
    assert checks.check_known_settings() == []
    assert checks.check_adapter() == []


def test_an_adapter_path_that_does_not_import_is_refused(adapter):
    adapter("{{ cookiecutter.project_slug }}.adapters.MissingAdapter")
    messages = checks.check_adapter()
    assert [message.id for message in messages] == [checks.ADAPTER_INVALID]
    assert "adapters.MissingAdapter" in messages[0].msg, "the error names the path that failed"


def test_an_adapter_that_is_not_a_gatehouse_adapter_is_refused(adapter):
    adapter(f"{__name__}.NotAnAdapter")
    messages = checks.check_adapter()
    assert [message.id for message in messages] == [checks.ADAPTER_INVALID]
    assert "not a subclass of" in messages[0].msg


def test_an_adapter_that_is_a_function_is_refused(adapter):
    adapter(f"{__name__}.test_an_adapter_that_is_a_function_is_refused")
    assert [message.id for message in checks.check_adapter()] == [checks.ADAPTER_INVALID]


def test_manage_py_check_stops_on_a_bad_adapter_path(adapter):
    adapter("not-a-dotted-path")
    assert checks.ADAPTER_INVALID in [message.id for message in run_checks()]
    with pytest.raises(SystemCheckError, match=checks.ADAPTER_INVALID):
        call_command("check")
