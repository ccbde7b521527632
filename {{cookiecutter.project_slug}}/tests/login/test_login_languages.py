"""Login speaks the request's language: the scenarios' names, the steps' schemas and the refusals; never the codes."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from {{ cookiecutter.project_slug }}.login.scenarios import enabled_scenarios

from ..test_translations import OTHER_LANGUAGES

pytestmark = pytest.mark.django_db


def options(api_client, language):
    return api_client.get("/api/auth/options/", HTTP_ACCEPT_LANGUAGE=language).json()["scenarios"]


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_options_names_the_scenarios_and_titles_the_fields_in_the_request_language(api_client, language):
    english, other = options(api_client, "en"), options(api_client, language)
    assert [scenario["key"] for scenario in other] == [scenario["key"] for scenario in english]
    for scenario in enabled_scenarios():
        with translation.override(language):
            expected = str(scenario.name)
        [listed] = [entry for entry in other if entry["key"] == scenario.key]
        assert listed["name"] == expected
    english_titles = [field["title"] for field in english[0]["steps"][0]["schema"]["properties"].values()]
    other_titles = [field["title"] for field in other[0]["steps"][0]["schema"]["properties"].values()]
    assert other_titles != english_titles, "a form built from the schema is labelled in the reader's language"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_refused_step_is_explained_in_the_request_language_with_the_same_codes(api_client, language):
    scenario = enabled_scenarios()[0]
    url = f"/api/auth/login/{scenario.key}/"
    english = api_client.post(url, {}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["errors"]
    other = api_client.post(url, {}, format="json", HTTP_ACCEPT_LANGUAGE=language).json()["errors"]
    assert [(entry["code"], entry["attr"]) for entry in other] == [(e["code"], e["attr"]) for e in english]
    assert {entry["code"] for entry in other} == {"required"}
    assert all(mine["detail"] != theirs["detail"] for mine, theirs in zip(other, english, strict=True))


def test_the_default_language_is_english(api_client):
    [entry, *_] = api_client.post("/api/auth/login/no-such-scenario/", {}, format="json").json()["errors"]
    assert entry["code"] == "scenario_not_found"
    with translation.override(settings.LANGUAGE_CODE):
        assert entry["detail"] == "There is no such login scenario."
