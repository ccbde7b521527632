"""The audit log: every security event of logins and sessions is an AuthEvent row, with no secret in it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import serializers
from django.utils import timezone

from {{ cookiecutter.project_slug }}.authn import audit
from {{ cookiecutter.project_slug }}.authn.attempts import identifier_key
from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.authn.models import AuthEvent

from ..factories import DEFAULT_PASSWORD, UserFactory
from .conftest import bearer
from .login_helpers import BUILTIN_SCENARIOS, LoginClient, enable_scenarios, requires_login

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"
NEW_PASSWORD = "a brand new sturdy lantern"
Kind = AuthEvent.Kind


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, *BUILTIN_SCENARIOS, LOCKOUT_ACCOUNT_THRESHOLD=2)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def password_login(login: LoginClient, email: str, password: str):
    return login.step(
        "password", {"email": email, "password": password}, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Tester/1.0"
    )


def events(kind: str) -> list[AuthEvent]:
    return list(AuthEvent.objects.filter(kind=kind).order_by("created_at"))


def assert_no_secrets(*secrets: str) -> None:
    """No audit row, in any field, holds any of `secrets`."""
    dumped = serializers.serialize("json", AuthEvent.objects.all())
    for secret in secrets:
        assert secret not in dumped, f"an audit row holds a secret: {secret[:12]}..."


@requires_login
def test_a_login_records_success_with_user_address_and_agent_and_no_secret(login):
    user = UserFactory()
    body = password_login(login, user.email, DEFAULT_PASSWORD).json()
    (event,) = events(Kind.LOGIN_SUCCEEDED)
    assert (event.user, event.client_ip, event.user_agent) == (user, "203.0.113.7", "Tester/1.0")
    assert event.identifier_hash == identifier_key(user.email)
    assert_no_secrets(DEFAULT_PASSWORD, body["access"], body["refresh"], user.email)


@requires_login
def test_failures_and_the_lockout_are_recorded_by_identifier_hash_for_unknown_accounts_too(login):
    for _ in range(2):
        password_login(login, "nobody@example.com", WRONG)
    failures = events(Kind.LOGIN_FAILED)
    assert len(failures) == 2
    assert {event.identifier_hash for event in failures} == {identifier_key("nobody@example.com")}
    assert failures[0].extra == {"scenario": "password", "step": "credentials", "code": "invalid_credentials"}
    (locked,) = events(Kind.LOCKED_OUT)
    assert locked.extra["budget"] == "account"
    password_login(login, "nobody@example.com", WRONG)
    assert len(events(Kind.LOGIN_FAILED)) == 2, "refused attempts during a lockout write nothing"
    assert_no_secrets(WRONG, "nobody@example.com")


@requires_login
def test_wrong_email_codes_are_recorded_without_the_code(login):
    from .login_helpers import emailed_code, other_code

    user = UserFactory()
    flow = login.step("email-code", {"email": user.email}).json()["flow"]
    code = emailed_code()
    login.step("email-code", {"flow": flow, "code": other_code(code)})
    assert events(Kind.LOGIN_FAILED)[0].extra["code"] == "code_invalid"
    assert_no_secrets(code, other_code(code), flow)


@pytest.mark.skipif("token-refresh" not in gatehouse_settings.ENABLED_ENDPOINTS, reason="no refresh tokens here")
def test_logout_logout_all_and_refresh_reuse_are_recorded(api_client, issue_tokens):
    user = UserFactory()
    first = issue_tokens(user)
    api_client.post("/api/auth/logout/", {"refresh": first.refresh}, format="json")
    second = issue_tokens(user)
    rotated = api_client.post("/api/auth/token/refresh/", {"refresh": second.refresh}, format="json").json()
    api_client.post("/api/auth/token/refresh/", {"refresh": second.refresh}, format="json")
    api_client.post("/api/auth/logout/all/", **bearer(rotated["access"]))
    assert [event.user for event in events(Kind.LOGOUT)] == [user]
    (reuse,) = events(Kind.REFRESH_REUSE_DETECTED)
    assert reuse.user == user
    assert reuse.extra["family"]
    assert [event.user for event in events(Kind.LOGOUT_ALL)] == [user]
    assert_no_secrets(first.refresh, second.refresh, rotated["refresh"], rotated["access"])


@pytest.mark.skipif("password-change" not in gatehouse_settings.ENABLED_ENDPOINTS, reason="no password endpoints")
def test_password_change_and_reset_are_recorded(api_client, issue_tokens, django_capture_on_commit_callbacks):
    from ..accounts.account_helpers import emails_to, reset_params

    user = UserFactory()
    body = {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    api_client.post("/api/auth/password/change/", body, format="json", **bearer(issue_tokens(user).access))
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/auth/password/reset/", {"email": user.email}, format="json")
    params = reset_params(emails_to(user.email)[-1])
    api_client.post("/api/auth/password/reset/confirm/", {**params, "password": DEFAULT_PASSWORD}, format="json")
    assert [event.user for event in events(Kind.PASSWORD_CHANGED)] == [user]
    assert [event.user for event in events(Kind.PASSWORD_RESET)] == [user]
    assert_no_secrets(DEFAULT_PASSWORD, NEW_PASSWORD, params["token"])


def test_a_long_user_agent_is_cut_to_the_column(rf):
    request = rf.get("/", HTTP_USER_AGENT="x" * 5000)
    event = audit.record(Kind.LOGOUT, request)
    assert len(event.user_agent) == audit.USER_AGENT_MAX_LENGTH


def test_retention_purges_old_events_and_keeps_recent_ones(settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "AUDIT_LOG_RETENTION": timedelta(days=90)}
    old = AuthEvent.objects.create(kind=Kind.LOGOUT, created_at=timezone.now() - timedelta(days=91))
    recent = AuthEvent.objects.create(kind=Kind.LOGOUT, created_at=timezone.now() - timedelta(days=89))
    from {{ cookiecutter.project_slug }}.authn.tasks import purge_audit_log

    purge_audit_log.delay()
    assert list(AuthEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuthEvent.objects.filter(pk=old.pk).exists()


def test_the_purge_is_scheduled(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "{{ cookiecutter.project_slug }}.authn.tasks.purge_audit_log" in scheduled


def test_the_admin_lists_events_read_only_with_filters(admin_client):
    AuthEvent.objects.create(kind=Kind.LOGIN_FAILED, identifier_hash="abc", extra={"code": "invalid_credentials"})
    response = admin_client.get("/admin/authn/authevent/?kind__exact=login_failed")
    assert response.status_code == 200
    assert b"abc" in response.content
    assert admin_client.get("/admin/authn/authevent/add/").status_code == 403
    assert json.loads(json.dumps(AuthEvent.objects.get().extra)) == {"code": "invalid_credentials"}
