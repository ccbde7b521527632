"""An email is written in the language of the request that caused it, whenever and wherever it is sent."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from {{ cookiecutter.project_slug }}.mail import outbox
from {{ cookiecutter.project_slug }}.mail.models import OutboxEmail

from ..factories import UserFactory
from ..test_translations import OTHER_LANGUAGES

pytestmark = pytest.mark.django_db


def request_reset(api_client, django_capture_on_commit_callbacks, email, language):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/auth/password/reset/", {"email": email}, format="json", HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_an_email_is_in_the_language_of_the_request_that_caused_it(
    api_client, django_capture_on_commit_callbacks, language
):
    user = UserFactory()
    request_reset(api_client, django_capture_on_commit_callbacks, user.email, "en")
    request_reset(api_client, django_capture_on_commit_callbacks, user.email, language)
    english, other = mail.outbox
    assert OutboxEmail.objects.filter(user=user).order_by("created_at").first().language == "en"
    assert OutboxEmail.objects.filter(user=user).order_by("-created_at").first().language == language
    assert other.subject != english.subject
    assert other.body != english.body
    assert other.extra_headers["Content-Language"] == language
    [(html, _type)] = other.alternatives
    assert f'<html lang="{language}">' in html


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_an_email_sent_later_keeps_the_language_its_row_was_written_in(language):
    user = UserFactory()
    with translation.override(language):
        row = outbox.add(OutboxEmail.Kind.PASSWORD_CHANGED, user.pk, {})
    # A worker, or the drain, sends it later in whatever language is active there.
    with translation.override("en"):
        assert outbox.deliver(row.pk) == OutboxEmail.Status.SENT
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == language
    with translation.override("en"):
        english = outbox.KINDS[OutboxEmail.Kind.PASSWORD_CHANGED].build(user, {})
    assert message.subject != english.subject


def test_a_row_that_names_no_language_is_sent_in_the_default_language():
    """As the rows written before rows kept their language are."""
    user = UserFactory()
    row = OutboxEmail.objects.create(kind=OutboxEmail.Kind.PASSWORD_CHANGED, user=user, language="")
    with translation.override(OTHER_LANGUAGES[0]):
        outbox.deliver(row.pk)
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == settings.LANGUAGE_CODE
