"""Error details follow the request's Accept-Language; their codes never change with it.

Every app ships its catalogue in <app>/locale/<language>/LC_MESSAGES/django.po, compiled
by `make messages` (and the Dockerfile). A language the project does not offer, or none,
gets LANGUAGE_CODE.
"""

from __future__ import annotations

import inspect

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.api.errors import STATUS_ERRORS
from {{ cookiecutter.project_slug }}.authn import errors
{%- if cookiecutter.token_transport == "cookie" %}
from {{ cookiecutter.project_slug }}.authn.conf import auth_cookie_names
{%- endif %}

from .test_json_errors import assert_json_error

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# A path under the API that nothing serves: its 404 comes from the project's own handler.
UNKNOWN_PATH = "/api/auth/no-such-endpoint/"
AUTHN_ERRORS = [
    value
    for value in vars(errors).values()
    if inspect.isclass(value) and issubclass(value, errors.AuthnError) and "default_detail" in vars(value)
]


def translated(text: object, language: str) -> str:
    """`text` (a lazy translation or a message id) as `language` says it."""
    with translation.override(language):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def test_the_project_offers_english_and_at_least_one_other_language():
    assert settings.LANGUAGE_CODE == "en"
    assert OTHER_LANGUAGES, "LANGUAGES offers a language besides English"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("error", AUTHN_ERRORS, ids=lambda error: error.__name__)
def test_every_error_of_the_authn_app_is_translated(error, language):
    english = translated(error.default_detail, "en")
    assert translated(error.default_detail, language) != english, (
        f"{error.__name__}'s detail {english!r} has no {language} translation (is `make messages` run?)"
    )


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("status", sorted(STATUS_ERRORS))
def test_every_generic_error_is_translated(status, language):
    _code, detail = STATUS_ERRORS[status]
    assert translated(detail, language) != detail, f"the {status} detail {detail!r} has no {language} translation"


@pytest.mark.django_db
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_an_error_answer_follows_accept_language_and_keeps_its_code(language):
    client = APIClient()
    english = client.get(UNKNOWN_PATH, HTTP_ACCEPT_LANGUAGE="en")
    other = client.get(UNKNOWN_PATH, HTTP_ACCEPT_LANGUAGE=f"{language};q=1, en;q=0.5")
    english_entry = assert_json_error(english, 404, "not_found")
    other_entry = assert_json_error(other, 404, "not_found")
    assert other_entry["detail"] == translated(STATUS_ERRORS[404][1], language) != english_entry["detail"]
    assert other["Content-Language"] == language
    assert "Accept-Language" in other["Vary"], "caches keep one answer per language"


@pytest.mark.django_db
def test_an_error_answer_without_an_offered_language_is_in_english():
    response = APIClient().get(UNKNOWN_PATH, HTTP_ACCEPT_LANGUAGE="tlh, x-klingon;q=0.5")
    assert assert_json_error(response, 404, "not_found")["detail"] == STATUS_ERRORS[404][1]
    assert response["Content-Language"] == settings.LANGUAGE_CODE


@pytest.mark.django_db
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_refused_token_is_explained_in_the_request_language_with_the_same_code(language):
    client = APIClient()
    {%- if cookiecutter.token_transport == "cookie" %}
    client.cookies[auth_cookie_names().access] = "not-a-token"
    {%- else %}
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    {%- endif %}
    english = client.get("/api/auth/me/", HTTP_ACCEPT_LANGUAGE="en").json()["errors"]
    other = client.get("/api/auth/me/", HTTP_ACCEPT_LANGUAGE=language).json()["errors"]
    assert [entry["code"] for entry in other] == [entry["code"] for entry in english] == [errors.TOKEN_NOT_VALID]
    assert [entry["detail"] for entry in other] != [entry["detail"] for entry in english]
