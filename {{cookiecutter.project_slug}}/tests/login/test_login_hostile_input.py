"""Hostile input to `login/<scenario>/` gets a 4xx JSON answer in the API's error shape, never a 500.

Malformed JSON, bodies that are not objects, wrong types, oversized or ill-formed
text, unknown scenarios and missing flows are refused before any step runs; a code of
the wrong form is never counted as a guess, so it cannot be used to guess in bulk.
"""

import pytest

from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.authn.errors import FLOW_REQUIRED, SCENARIO_NOT_FOUND

from ..factories import DEFAULT_PASSWORD, UserFactory
from .helpers import (
    BUILTIN_SCENARIOS,
    LoginClient,
    assert_complete,
    assert_error,
    assert_needs_step,
    emailed_code,
    enable_scenarios,
)

pytestmark = pytest.mark.django_db

FIRST_STEPS = {
    "password": {"email": "alice@example.com", "password": DEFAULT_PASSWORD},
    "email-code": {"email": "alice@example.com"},
    "password-and-email-code": {"email": "alice@example.com", "password": DEFAULT_PASSWORD},
}
MALFORMED_CODES = [
    123456,
    12345.6,
    ["000000", "000001", "000002"],
    {"$ne": None},
    True,
    None,
    "",
    "12345",
    "1234567",
    "0123456",
    "12345 6",
    " 123456 ",
    "123456\n",
    "1e5",
    "-12345",
    "١٢٣٤٥٦",
    "\uff11\uff12\uff13\uff14\uff15\uff16",  # full-width digits
    "¹²³⁴⁵⁶",
    "0" * 10_000,
]


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, *BUILTIN_SCENARIOS)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


@pytest.fixture
def user():
    return UserFactory(email="alice@example.com")


def verify_flow(login) -> str:
    """A flow of `email-code` that waits for its code."""
    return assert_needs_step(login.step("email-code", {"email": "alice@example.com"}), "verify")["flow"]


@pytest.mark.parametrize("scenario", list(FIRST_STEPS))
def test_malformed_json_is_a_parse_error(login, scenario):
    assert_error(login.raw(scenario, '{"email": "alice@example.com",'), 400, "parse_error")


@pytest.mark.parametrize(
    "content", ["[]", '["alice@example.com", "password"]', '"alice@example.com"', "123", "null", "true"]
)
@pytest.mark.parametrize("scenario", list(FIRST_STEPS))
def test_a_body_that_is_not_an_object_is_refused(login, scenario, content):
    assert_error(login.raw(scenario, content), 400, "invalid")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_json_is_refused(login, content_type):
    response = login.raw("password", "email=alice@example.com&password=x", content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")


def test_bytes_that_are_not_utf_8_are_refused(login):
    assert_error(login.raw("password", b'{"email": "\xff@example.com", "password": "x"}'), 400, "parse_error")


@pytest.mark.parametrize("content", ['{"email": "a@example.com", "password": NaN}', '{"email": Infinity}'])
def test_non_standard_json_numbers_are_refused(login, content):
    assert_error(login.raw("password", content), 400, "parse_error")


def test_an_unknown_scenario_is_scenario_not_found(login):
    assert_error(login.step("no-such-scenario", FIRST_STEPS["password"]), 404, SCENARIO_NOT_FOUND)


def test_missing_fields_are_each_reported(login):
    response = login.step("password", {})
    assert_error(response, 400, "required", attr="email")
    assert_error(response, 400, "required", attr="password")
    assert response.json()["type"] == "validation_error"


def test_unknown_fields_are_refused_with_one_error_that_names_them(login, user):
    response = login.step("password", {**FIRST_STEPS["password"], "is_staff": True, "method": "email"})
    assert_error(response, 400, "unexpected_field", attr=None)
    assert len(response.json()["errors"]) == 1, "unknown fields are one error, whatever their number"
    assert '"is_staff", "method"' in response.json()["errors"][0]["detail"]


@pytest.mark.parametrize("email", [None, 1, True, [], {}, ["alice@example.com"]])
def test_an_email_of_the_wrong_type_is_refused(login, email):
    response = login.step("password", {"email": email, "password": DEFAULT_PASSWORD})
    assert_error(response, 400, "null" if email is None else "invalid", attr="email")


@pytest.mark.parametrize(
    "email",
    [
        "alice",
        "alice@example.com\x00evil",
        "alice@example.com\r\nBcc: attacker@evil.example",
        "alice @example.com",
        "alice@@example.com",
        "a" * 250 + "@example.com",
    ],
)
def test_an_ill_formed_email_is_refused(login, email):
    response = login.step("email-code", {"email": email})
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == "email"


@pytest.mark.parametrize("password", [None, 123, [], ["a", "b"], {}])
def test_a_password_of_the_wrong_type_is_refused(login, user, password):
    response = login.step("password", {"email": user.email, "password": password})
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == "password"


def test_a_100_kb_password_is_refused_as_too_long(login, user):
    response = login.step("password", {"email": user.email, "password": "x" * 100_000})
    assert_error(response, 400, "max_length", attr="password")


def test_the_maximum_password_length_is_a_setting(login, user, settings):
    enable_scenarios(settings, *BUILTIN_SCENARIOS, PASSWORD_MAX_LENGTH=10)
    response = login.step("password", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert_error(response, 400, "max_length", attr="password")


@pytest.mark.parametrize(
    ("content", "attr"),
    [
        ('{"email": "\\ud800@example.com", "password": "x"}', "email"),
        ('{"email": "alice@example.com", "password": "\\udfff"}', "password"),
        ('{"email": "alice@example.com", "\\ud800": "x"}', None),
    ],
)
def test_lone_surrogates_are_refused(login, content, attr):
    assert_error(login.raw("password", content), 400, "invalid", attr=attr)


def test_a_deeply_nested_field_is_refused(login):
    nested = "[" * 50 + "]" * 50
    assert_error(login.raw("password", '{"email": ' + nested + ', "password": "x"}'), 400, "invalid")


@pytest.mark.parametrize("code", MALFORMED_CODES, ids=repr)
def test_a_malformed_code_is_refused(login, user, code):
    response = login.step("email-code", {"flow": verify_flow(login), "code": code})
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error"
    assert {error["attr"] for error in response.json()["errors"]} == {"code"}


def test_malformed_codes_are_not_counted_as_guesses(login, user):
    flow = verify_flow(login)
    for code in MALFORMED_CODES[: gatehouse_settings.FLOW_MAX_FAILED_ATTEMPTS + 1]:
        login.step("email-code", {"flow": flow, "code": code})
    assert_complete(login.step("email-code", {"flow": flow, "code": emailed_code()}), user)


@pytest.mark.parametrize("scenario", ["email-code", "password-and-email-code"])
def test_a_later_step_without_flow_is_flow_required(login, scenario):
    assert_error(login.step(scenario, {"code": "123456"}), 400, FLOW_REQUIRED, attr="flow")


def test_a_null_flow_is_no_flow(login):
    assert_error(login.step("email-code", {"flow": None, "code": "123456"}), 400, FLOW_REQUIRED, attr="flow")


def test_no_hostile_answer_is_cacheable(login):
    response = login.raw("password", "[]")
    assert "no-store" in response["Cache-Control"], response["Cache-Control"]
