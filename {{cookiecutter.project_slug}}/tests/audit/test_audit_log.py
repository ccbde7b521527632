"""The audit log: its rows, their retention and their admin. Each app's tests check that its events arrive."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from {{ cookiecutter.project_slug }}.audit import receivers as audit
from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.audit.tasks import purge_audit_log

pytestmark = pytest.mark.django_db

Kind = AuthEvent.Kind


def test_a_long_user_agent_is_cut_to_the_column(rf):
    request = rf.get("/", HTTP_USER_AGENT="x" * 5000)
    event = audit.record(Kind.LOGOUT, request)
    assert len(event.user_agent) == audit.USER_AGENT_MAX_LENGTH


def test_retention_purges_old_events_and_keeps_recent_ones(settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "AUDIT_LOG_RETENTION": timedelta(days=90)}
    old = AuthEvent.objects.create(kind=Kind.LOGOUT, created_at=timezone.now() - timedelta(days=91))
    recent = AuthEvent.objects.create(kind=Kind.LOGOUT, created_at=timezone.now() - timedelta(days=89))
    purge_audit_log.delay()
    assert list(AuthEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuthEvent.objects.filter(pk=old.pk).exists()


def test_the_purge_is_scheduled(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "{{ cookiecutter.project_slug }}.audit.tasks.purge_audit_log" in scheduled


def test_the_admin_lists_events_read_only_with_filters(admin_client):
    AuthEvent.objects.create(kind=Kind.LOGIN_FAILED, identifier_hash="abc", extra={"code": "invalid_credentials"})
    response = admin_client.get("/admin/audit/authevent/?kind__exact=login_failed")
    assert response.status_code == 200
    assert b"abc" in response.content
    assert admin_client.get("/admin/audit/authevent/add/").status_code == 403
    assert json.loads(json.dumps(AuthEvent.objects.get().extra)) == {"code": "invalid_credentials"}
