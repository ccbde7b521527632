"""Refresh-token families: reuse of a replaced token revokes the login's whole family (unless it
comes within GATEHOUSE["REFRESH_REUSE_GRACE"] of its rotation), concurrent refreshes give one new
pair at most, and a family ends at its absolute lifetime.
Also instant revocation of access tokens (GATEHOUSE["INSTANT_ACCESS_REVOCATION"]).
"""

from __future__ import annotations
{% if cookiecutter.database == "postgresql" %}
import threading
{%- endif %}
from datetime import timedelta
from types import SimpleNamespace

import jwt
import pytest
{%- if cookiecutter.database == "postgresql" %}
from django.db import connection
{%- endif %}
from django.utils import timezone

from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.authn.errors import TOKEN_NOT_VALID
from {{ cookiecutter.project_slug }}.sessions import service as tokens
from {{ cookiecutter.project_slug }}.sessions.models import RefreshFamily

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import captured_signals
from ..tokens import authenticated
from .helpers import LOGOUT_ALL_URL, logout, refresh, tokens_of

ME_URL = "/api/auth/me/"
PASSWORD_CHANGE_URL = "/api/auth/password/change/"
# Just past REFRESH_REUSE_GRACE, and just within it.
MOMENT = timedelta(seconds=1)


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def grace() -> timedelta:
    return gatehouse_settings.REFRESH_REUSE_GRACE


def assert_refused(response) -> None:
    assert response.status_code == 401, (response.status_code, response.content)
    assert response.json()["errors"][0]["code"] == TOKEN_NOT_VALID, response.json()


@pytest.mark.django_db
def test_replaying_a_rotated_token_after_the_grace_revokes_the_token_that_replaced_it(api_client, issue_tokens, clock):
    first = issue_tokens(UserFactory()).refresh
    second = tokens_of(refresh(api_client, first)).refresh
    clock.advance(grace() + MOMENT)
    with captured_signals("refresh_reuse_detected") as sent:
        assert_refused(refresh(api_client, first))
    assert_refused(refresh(api_client, second))
    assert [name for name, _arguments in sent] == ["refresh_reuse_detected"], "reuse is reported once"
    assert RefreshFamily.objects.get().revoked_because == RefreshFamily.RevokedBecause.REUSE


@pytest.mark.django_db
def test_a_rotated_token_used_again_within_the_grace_is_refused_and_the_family_lives_on(
    api_client, issue_tokens, clock
):
    first = issue_tokens(UserFactory()).refresh
    # The grace counts from the rotation, not from the login.
    clock.advance(timedelta(hours=1))
    second = tokens_of(refresh(api_client, first)).refresh
    clock.advance(grace() - MOMENT)
    with captured_signals("refresh_reuse_detected") as sent:
        assert_refused(refresh(api_client, first))
    assert sent == [], "a refresh that lost a race with another tab is no reuse"
    assert RefreshFamily.objects.get().revoked_at is None
    assert refresh(api_client, second).status_code == 200, "the winner's token keeps working"


@pytest.mark.django_db
def test_within_the_grace_every_token_replaced_recently_is_refused_without_revoking(api_client, issue_tokens, clock):
    # Three tabs: the second refreshes again with the winner's token before the third's late request arrives.
    first = issue_tokens(UserFactory()).refresh
    second = tokens_of(refresh(api_client, first)).refresh
    third = tokens_of(refresh(api_client, second)).refresh
    assert_refused(refresh(api_client, first))
    assert_refused(refresh(api_client, second))
    assert refresh(api_client, third).status_code == 200


@pytest.mark.django_db
def test_the_grace_follows_the_setting(api_client, issue_tokens, clock, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "REFRESH_REUSE_GRACE": timedelta(minutes=1)}
    kept = issue_tokens(UserFactory()).refresh
    kept_next = tokens_of(refresh(api_client, kept)).refresh
    clock.advance(timedelta(seconds=50))
    assert_refused(refresh(api_client, kept))
    assert refresh(api_client, kept_next).status_code == 200, "50 seconds are within a grace of one minute"

    settings.GATEHOUSE = {**settings.GATEHOUSE, "REFRESH_REUSE_GRACE": timedelta(0)}
    revoked = issue_tokens(UserFactory()).refresh
    revoked_next = tokens_of(refresh(api_client, revoked)).refresh
    assert_refused(refresh(api_client, revoked))
    # With no grace, any replay revokes the family.
    assert_refused(refresh(api_client, revoked_next))


@pytest.mark.django_db
def test_reuse_revokes_only_that_login_not_the_users_other_sessions(api_client, issue_tokens, clock):
    user = UserFactory()
    other_session = issue_tokens(user).refresh
    first = issue_tokens(user).refresh
    refresh(api_client, first)
    clock.advance(grace() + MOMENT)
    refresh(api_client, first)
    assert RefreshFamily.objects.filter(revoked_because=RefreshFamily.RevokedBecause.REUSE).count() == 1
    assert refresh(api_client, other_session).status_code == 200


@pytest.mark.django_db
def test_rotation_keeps_the_family_and_a_new_login_starts_another(api_client, issue_tokens):
    user = UserFactory()
    pair = issue_tokens(user)
    rotated = tokens_of(refresh(api_client, pair.refresh))
    assert claims(rotated.refresh)["fam"] == claims(pair.refresh)["fam"]
    assert claims(issue_tokens(user).refresh)["fam"] != claims(pair.refresh)["fam"]
    assert "fam" not in claims(rotated.access), "access tokens stay minimal"


@pytest.mark.django_db
def test_logout_ends_the_family(api_client, issue_tokens):
    first = issue_tokens(UserFactory()).refresh
    second = tokens_of(refresh(api_client, first)).refresh
    assert logout(api_client, second).status_code == 204
    assert refresh(api_client, second).status_code == 401
    assert RefreshFamily.objects.get().revoked_because == RefreshFamily.RevokedBecause.LOGOUT


@pytest.mark.django_db
def test_logout_with_a_token_replaced_after_the_grace_is_refused_and_ends_the_session_as_reuse(
    api_client, issue_tokens, clock
):
    first = issue_tokens(UserFactory()).refresh
    second = tokens_of(refresh(api_client, first)).refresh
    clock.advance(grace() + MOMENT)
    assert_refused(logout(api_client, first))
    assert_refused(refresh(api_client, second))
    assert RefreshFamily.objects.get().revoked_because == RefreshFamily.RevokedBecause.REUSE


@pytest.mark.django_db
def test_logout_with_a_token_replaced_within_the_grace_ends_the_session(api_client, issue_tokens, clock):
    # A tab logs out while another tab's refresh of the same token has just won.
    first = issue_tokens(UserFactory()).refresh
    second = tokens_of(refresh(api_client, first)).refresh
    clock.advance(grace() - MOMENT)
    assert logout(api_client, first).status_code == 204
    assert_refused(refresh(api_client, second))
    assert RefreshFamily.objects.get().revoked_because == RefreshFamily.RevokedBecause.LOGOUT


@pytest.mark.django_db
def test_no_rotated_token_outlives_the_family_and_the_family_ends_however_often_it_rotates(
    api_client, issue_tokens, settings, monkeypatch
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "REFRESH_FAMILY_MAX_AGE": timedelta(hours=1)}
    pair = issue_tokens(UserFactory())
    started = claims(pair.refresh)["iat"]
    token = pair.refresh
    real_now = timezone.now
    for minutes in (0, 20, 40, 59):
        monkeypatch.setattr(
            tokens, "timezone", SimpleNamespace(now=lambda m=minutes: real_now() + timedelta(minutes=m))
        )
        token = tokens_of(refresh(api_client, token)).refresh
        assert claims(token)["exp"] <= started + 3600 + 1, "rotation never slides past the family's end"
    monkeypatch.setattr(tokens, "timezone", SimpleNamespace(now=lambda: real_now() + timedelta(minutes=61)))
    assert refresh(api_client, token).status_code == 401, "past its absolute lifetime the family is over"
{%- if cookiecutter.database == "postgresql" %}


# The compare-and-swap UPDATE's row lock serializes the two refreshes; PostgreSQL has row locks, SQLite does not.
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_refreshes_with_one_token_give_at_most_one_new_pair():
    from rest_framework.test import APIClient

    from {{ cookiecutter.project_slug }}.sessions.service import issue_tokens

    token = issue_tokens(UserFactory()).refresh
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    new_tokens: list[str] = []

    def race() -> None:
        client = APIClient()
        barrier.wait(timeout=5)
        response = refresh(client, token)
        statuses.append(response.status_code)
        if response.status_code == 200:
            new_tokens.append(tokens_of(response).refresh)
        connection.close()

    threads = [threading.Thread(target=race) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 401], statuses
    assert refresh(APIClient(), new_tokens[0]).status_code == 200, "the winner's token is the family's live one"
    assert RefreshFamily.objects.get().revoked_at is None, "the loser of the race does not revoke the family"


@pytest.mark.django_db(transaction=True)
def test_a_refresh_racing_a_deactivation_in_the_admin_neither_deadlocks_nor_outlives_it(client):
    from django.urls import reverse
    from rest_framework.test import APIClient

    from {{ cookiecutter.project_slug }}.sessions.service import end_sessions_of_deactivated_user, issue_tokens
    from {{ cookiecutter.project_slug }}.users.signals import user_deactivated

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = UserFactory()
    token = issue_tokens(user).refresh
    statuses: list[int] = []
    minted: list[str] = []

    def refresh_in_another_connection() -> None:
        response = refresh(APIClient(), token)
        statuses.append(response.status_code)
        if response.status_code == 200:
            minted.append(tokens_of(response).refresh)
        connection.close()

    refreshing = threading.Thread(target=refresh_in_another_connection)

    def end_sessions_while_a_refresh_runs(sender, request, user, **kwargs) -> None:
        # The admin's action holds the user row now: the refresh gets as far as it can, and must not
        # end up holding its family's row while it waits for the user row (a deadlock).
        refreshing.start()
        refreshing.join(timeout=3)
        end_sessions_of_deactivated_user(sender, request=request, user=user, **kwargs)

    user_deactivated.disconnect(dispatch_uid="sessions.end_sessions")
    user_deactivated.connect(end_sessions_while_a_refresh_runs, dispatch_uid="sessions.end_sessions")
    try:
        body = {"action": "deactivate_users", "_selected_action": [str(user.pk)]}
        response = client.post(reverse("admin:users_user_changelist"), body)
    finally:
        user_deactivated.disconnect(dispatch_uid="sessions.end_sessions")
        user_deactivated.connect(end_sessions_of_deactivated_user, dispatch_uid="sessions.end_sessions")
    refreshing.join(timeout=30)
    assert response.status_code == 302, response.content
    assert statuses in ([200], [401]), statuses
    for refused in (token, *minted):
        assert refresh(APIClient(), refused).status_code == 401, "no token of the session outlives the deactivation"
{%- endif %}


# Instant revocation of access tokens.


@pytest.fixture
def instant(settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "INSTANT_ACCESS_REVOCATION": True}


@pytest.mark.django_db
def test_with_instant_revocation_logout_all_refuses_existing_access_tokens_at_once(api_client, issue_tokens, instant):
    access = issue_tokens(UserFactory()).access
    assert api_client.get(ME_URL, **authenticated(access)).status_code == 200
    assert api_client.post(LOGOUT_ALL_URL, **authenticated(access)).status_code == 204
    assert api_client.get(ME_URL, **authenticated(access)).status_code == 401


@pytest.mark.django_db
def test_without_instant_revocation_an_access_token_lives_out_its_lifetime(api_client, issue_tokens):
    access = issue_tokens(UserFactory()).access
    assert api_client.post(LOGOUT_ALL_URL, **authenticated(access)).status_code == 204
    assert api_client.get(ME_URL, **authenticated(access)).status_code == 200, "the documented bound: its lifetime"


@pytest.mark.django_db
def test_with_instant_revocation_new_logins_and_other_users_are_unaffected(api_client, issue_tokens, instant):
    user, other = UserFactory(), UserFactory()
    others_access = issue_tokens(other).access
    api_client.post(LOGOUT_ALL_URL, **authenticated(issue_tokens(user).access))
    assert api_client.get(ME_URL, **authenticated(issue_tokens(user).access)).status_code == 200
    assert api_client.get(ME_URL, **authenticated(others_access)).status_code == 200


@pytest.mark.django_db
def test_with_instant_revocation_deactivation_refuses_access_tokens(api_client, issue_tokens, instant):
    user = UserFactory()
    access = issue_tokens(user).access
    user.is_active = False
    user.save()
    assert api_client.get(ME_URL, **authenticated(access)).status_code == 401


@pytest.mark.django_db
def test_with_instant_revocation_a_password_change_refuses_access_tokens(api_client, issue_tokens, instant):
    access = issue_tokens(UserFactory()).access
    body = {"old_password": DEFAULT_PASSWORD, "new_password": "a brand new sturdy lantern"}
    assert api_client.post(PASSWORD_CHANGE_URL, body, format="json", **authenticated(access)).status_code == 200
    assert api_client.get(ME_URL, **authenticated(access)).status_code == 401
