"""Refresh-token families: reuse of a replaced token revokes the login's whole family,
concurrent refreshes give one new pair at most, and a family ends at its absolute lifetime.
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

from {{ cookiecutter.project_slug }}.sessions import service as tokens
from {{ cookiecutter.project_slug }}.sessions.models import RefreshFamily

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..tokens import authenticated
from .helpers import LOGOUT_ALL_URL, logout, refresh, tokens_of

ME_URL = "/api/auth/me/"
PASSWORD_CHANGE_URL = "/api/auth/password/change/"


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


@pytest.mark.django_db
def test_replaying_a_rotated_token_revokes_the_token_that_replaced_it(api_client, issue_tokens):
    first = issue_tokens(UserFactory()).refresh
    second = tokens_of(refresh(api_client, first)).refresh
    assert refresh(api_client, first).status_code == 401, "a rotated refresh token is refused"
    assert refresh(api_client, second).status_code == 401, "its replay ends the whole family, the newest token too"


@pytest.mark.django_db
def test_reuse_revokes_only_that_login_not_the_users_other_sessions(api_client, issue_tokens):
    user = UserFactory()
    other_session = issue_tokens(user).refresh
    first = issue_tokens(user).refresh
    refresh(api_client, first)
    refresh(api_client, first)
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
def test_logout_with_a_replaced_token_still_ends_the_session(api_client, issue_tokens):
    first = issue_tokens(UserFactory()).refresh
    second = tokens_of(refresh(api_client, first)).refresh
    assert logout(api_client, first).status_code == 401
    assert refresh(api_client, second).status_code == 401


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


# Row locks (SELECT ... FOR UPDATE) serialize the two refreshes; PostgreSQL has them, SQLite does not.
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
