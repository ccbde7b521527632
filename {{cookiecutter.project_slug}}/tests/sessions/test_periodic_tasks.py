"""The beat schedule names real tasks, and the housekeeping they do is right."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from {{ cookiecutter.project_slug }}.sessions.tasks import flush_expired_tokens

from config.celery_app import app

from ..factories import UserFactory


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled, "the beat schedule must not be empty"
    assert scheduled <= set(app.tasks), f"unknown tasks: {scheduled - set(app.tasks)}"


@pytest.mark.django_db
def test_flush_expired_tokens_deletes_expired_tokens_with_their_blacklist_entries():
    user = UserFactory()
    now = timezone.now()

    def outstanding(jti: str, expires_at) -> OutstandingToken:
        return OutstandingToken.objects.create(
            user=user, jti=jti, token=f"token-{jti}", created_at=now - timedelta(days=30), expires_at=expires_at
        )

    expired = outstanding("expired", now - timedelta(seconds=1))
    BlacklistedToken.objects.create(token=expired)
    outstanding("live", now + timedelta(days=1))
    BlacklistedToken.objects.create(token=outstanding("revoked-but-live", now + timedelta(days=1)))

    flush_expired_tokens.delay()

    assert set(OutstandingToken.objects.values_list("jti", flat=True)) == {"live", "revoked-but-live"}
    assert list(BlacklistedToken.objects.values_list("token__jti", flat=True)) == ["revoked-but-live"], (
        "a token that has not expired yet must stay blacklisted"
    )
