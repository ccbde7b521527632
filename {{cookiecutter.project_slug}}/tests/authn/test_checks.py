"""The core's system checks refuse inconsistent authentication settings, each with its own id."""

from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from {{ cookiecutter.project_slug }}.authn import checks
from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings


def ids_of(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.fixture
def simple_jwt(settings):
    """Change SIMPLE_JWT entries for one test: simple_jwt(AUDIENCE=None)."""

    def change(**entries) -> None:
        settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, **entries}

    return change


@pytest.fixture
def gatehouse(settings):
    """Change GATEHOUSE entries for one test: gatehouse(TOKEN_USER_SOURCE="cache")."""

    def change(**entries) -> None:
        settings.GATEHOUSE = {**settings.GATEHOUSE, **entries}

    return change


def test_the_project_settings_pass_every_check():
    call_command("check", fail_level="WARNING")
    assert [message for message in run_checks() if message.id.startswith("gatehouse.")] == []


def test_an_unknown_gatehouse_setting_is_refused(gatehouse):
    gatehouse(TOKEN_TRANSPROT="cookie")
    messages = checks.check_known_settings()
    assert ids_of(messages) == [checks.UNKNOWN_SETTING]
    assert "'TOKEN_TRANSPROT'" in messages[0].msg


@pytest.mark.parametrize("value", ["10 seconds", timedelta(seconds=-1), -1, None])
def test_a_duration_that_is_not_a_timedelta_or_seconds_is_refused(value, gatehouse):
    gatehouse(FLOW_TTL=value)
    messages = checks.check_durations()
    assert ids_of(messages) == [checks.DURATION_INVALID]
    assert "'FLOW_TTL'" in messages[0].msg


@pytest.mark.parametrize("seconds", [5, 2.5, 0])
def test_a_duration_given_in_seconds_is_read_as_a_timedelta(seconds, gatehouse):
    gatehouse(REFRESH_REUSE_GRACE=seconds)
    assert checks.check_durations() == []
    grace = gatehouse_settings.REFRESH_REUSE_GRACE
    assert grace == timedelta(seconds=seconds)


def test_an_unknown_endpoint_name_is_refused(gatehouse):
    gatehouse(ENABLED_ENDPOINTS=["me", "token-refesh"])
    messages = checks.check_enabled_endpoints()
    assert ids_of(messages) == [checks.UNKNOWN_ENDPOINT]
    assert "'token-refesh'" in messages[0].msg


def test_an_unknown_token_user_source_is_refused(gatehouse):
    gatehouse(TOKEN_USER_SOURCE="cache")
    assert ids_of(checks.check_token_user_source()) == [checks.UNKNOWN_USER_SOURCE]


def test_a_missing_audience_is_refused(simple_jwt):
    simple_jwt(AUDIENCE=None)
    assert ids_of(checks.check_audience_and_issuer()) == [checks.AUDIENCE_MISSING]


def test_a_missing_issuer_is_refused(simple_jwt):
    simple_jwt(ISSUER="")
    assert ids_of(checks.check_audience_and_issuer()) == [checks.ISSUER_MISSING]


@pytest.mark.parametrize(
    "algorithm", sorted({"HS256", "RS256", "EdDSA", "HS512", "none"} - {checks.RENDERED_ALGORITHM})
)
def test_an_algorithm_other_than_the_generated_one_is_refused(algorithm, simple_jwt):
    simple_jwt(ALGORITHM=algorithm)
    assert ids_of(checks.check_algorithm()) == [checks.UNEXPECTED_ALGORITHM]
