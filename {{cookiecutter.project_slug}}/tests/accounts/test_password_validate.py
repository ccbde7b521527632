"""`POST password/validate/`: `200 {}`, or a 400 with the codes of Django's validators and the project's own."""

import pytest

from .helpers import error_codes

pytestmark = pytest.mark.django_db


def validate(accounts, body):
    return accounts.post("password/validate/", body)


def test_a_good_password_answers_200_with_an_empty_body(accounts):
    response = validate(accounts, {"password": "sturdy lantern orchard"})
    assert (response.status_code, response.json()) == (200, {})


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("short", {"password_too_short"}),
        ("password1", {"password_too_common"}),
        ("84736291047", {"password_entirely_numeric"}),
        ("12345678", {"password_too_common", "password_entirely_numeric"}),
    ],
)
def test_a_weak_password_is_refused_with_every_broken_rule(accounts, password, codes):
    response = validate(accounts, {"password": password})
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert error_codes(response) == {(code, "password") for code in codes}


def test_with_an_email_a_password_like_it_is_refused_as_too_similar(accounts):
    assert validate(accounts, {"password": "margaret.hamilton"}).status_code == 200
    response = validate(accounts, {"password": "margaret.hamilton", "email": "margaret.hamilton@example.com"})
    assert error_codes(response) == {("password_too_similar", "password")}


def test_a_project_validator_from_the_settings_applies(accounts, settings):
    settings.GATEHOUSE = {
        **settings.GATEHOUSE,
        "PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 30}}
        ],
    }
    response = validate(accounts, {"password": "sturdy lantern orchard"})
    assert error_codes(response) == {("password_too_short", "password")}


def test_sixteen_random_lowercase_letters_and_long_passwords_are_accepted(accounts):
    for password in ("qzvxkwmtrjplbnhd", "correct horse " * 4 + "battery", "a1b2-" * 25):
        assert validate(accounts, {"password": password}).status_code == 200, password


def test_eight_emoji_count_as_eight_characters(accounts):
    assert (
        validate(
            accounts, {"password": "\U0001f40d\U0001f3b8\U0001f30b\U0001f680\U0001f9ed\U0001f36f\U0001f3d4\U0001f989"}
        ).status_code
        == 200
    )


def test_a_password_over_the_maximum_length_is_refused_with_max_length(accounts, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "PASSWORD_MAX_LENGTH": 64}
    response = validate(accounts, {"password": "y" * 65})
    assert error_codes(response) == {("max_length", "password")}


@pytest.mark.parametrize("body", [{}, {"password": None}, {"password": 12345678}, {"password": ["a"]}])
def test_a_missing_or_mistyped_password_is_refused(accounts, body):
    response = validate(accounts, body)
    assert response.status_code == 400
    assert {attr for _code, attr in error_codes(response)} == {"password"}


def test_a_password_with_control_characters_is_refused(accounts):
    response = validate(accounts, {"password": "sturdy\x1blantern orchard"})
    assert error_codes(response) == {("control_characters", "password")}
