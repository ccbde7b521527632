"""The local copy of an auth-service user: created from the token's claims, updated only when they change."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.remote.copy_user import recent_copies

from ..authn.whoami_urls import WHOAMI_URL, with_whoami
from ..tokens import authenticated
from .conftest import ME_URL

pytestmark = pytest.mark.django_db

User = get_user_model()


def mapper_with_nickname(claims):
    """A REMOTE_USER_CLAIMS_MAPPER, as a project names one: the default fields, and a claim of its own."""
    from {{ cookiecutter.project_slug }}.remote.users import map_user_claims

    return {**map_user_claims(claims), "last_name": claims.get("nickname", "")}


def test_the_first_request_creates_a_copy_with_the_auth_services_id(api_client, remote_token, remote_user):
    response = api_client.get(ME_URL, **authenticated(remote_token(is_staff=True)))
    assert response.status_code == 200, response.content
    copy = User.objects.get(pk=remote_user.pk)
    assert (copy.email, copy.first_name, copy.last_name, copy.is_staff) == ("ada@example.com", "Ada", "Lovelace", True)
    assert not copy.has_usable_password(), "a copy never holds a password"
    assert response.json()["id"] == str(remote_user.pk)


def test_changed_claims_update_the_copy(api_client, remote_token, remote_user):
    api_client.get(ME_URL, **authenticated(remote_token()))
    api_client.get(ME_URL, **authenticated(remote_token(first_name="Augusta", is_staff=True)))
    copy = User.objects.get(pk=remote_user.pk)
    assert (copy.first_name, copy.is_staff) == ("Augusta", True)


def test_unchanged_claims_write_nothing(api_client, remote_token):
    token = remote_token()
    api_client.get(ME_URL, **authenticated(token))
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(ME_URL, **authenticated(token)).status_code == 200
    writes = [query["sql"] for query in queries if not query["sql"].lstrip().upper().startswith("SELECT")]
    assert not writes, f"a token that says nothing new must not write: {writes}"


def test_a_copy_deactivated_here_is_refused(api_client, remote_token, remote_user):
    api_client.get(ME_URL, **authenticated(remote_token()))
    User.objects.filter(pk=remote_user.pk).update(is_active=False)
    response = api_client.get(ME_URL, **authenticated(remote_token()))
    assert response.status_code == 401
    assert not User.objects.get(pk=remote_user.pk).is_active, "claims must never reactivate a local copy"


@with_whoami
def test_a_copy_deactivated_through_the_model_is_refused_at_once_where_the_claims_would_do(
    api_client, remote_token, remote_user
):
    assert api_client.get(WHOAMI_URL, **authenticated(remote_token())).status_code == 200
    copy = User.objects.get(pk=remote_user.pk)
    copy.is_active = False
    # As this service's admin saves it: the process forgets it saw the copy active.
    copy.save()
    response = api_client.get(WHOAMI_URL, **authenticated(remote_token()))
    assert response.status_code == 401, "a copy deactivated in this process is refused at its next request"


@with_whoami
def test_a_copy_deactivated_by_another_process_is_refused_once_the_check_interval_has_passed(
    api_client, remote_token, remote_user, monkeypatch
):
    assert api_client.get(WHOAMI_URL, **authenticated(remote_token())).status_code == 200
    # No signal in this process: what another process's deactivation looks like from here.
    User.objects.filter(pk=remote_user.pk).update(is_active=False)
    assert api_client.get(WHOAMI_URL, **authenticated(remote_token())).status_code == 200, (
        "within REMOTE_USER_COPY_CHECK_INTERVAL, a process trusts the copy it saw active (the documented trade-off)"
    )
    interval = gatehouse_settings.REMOTE_USER_COPY_CHECK_INTERVAL.total_seconds()
    now = recent_copies.clock()
    monkeypatch.setattr(recent_copies, "clock", lambda: now + interval)
    response = api_client.get(WHOAMI_URL, **authenticated(remote_token()))
    assert response.status_code == 401, "once the interval has passed, the copy is read again and refused"


@with_whoami
def test_changed_claims_update_the_copy_at_once_where_the_claims_would_do(api_client, remote_token, remote_user):
    assert api_client.get(WHOAMI_URL, **authenticated(remote_token())).status_code == 200
    assert api_client.get(WHOAMI_URL, **authenticated(remote_token(first_name="Augusta"))).status_code == 200
    assert User.objects.get(pk=remote_user.pk).first_name == "Augusta"


@with_whoami
def test_a_request_that_needs_only_the_claims_creates_the_copy(api_client, remote_token, remote_user):
    assert api_client.get(WHOAMI_URL, **authenticated(remote_token())).status_code == 200
    assert User.objects.filter(pk=remote_user.pk, email="ada@example.com").exists()


def test_claims_of_the_wrong_type_are_ignored(api_client, remote_token, remote_user):
    api_client.get(ME_URL, **authenticated(remote_token(is_staff="yes", first_name=["Ada"])))
    copy = User.objects.get(pk=remote_user.pk)
    assert (copy.is_staff, copy.first_name) == (False, "")


def test_a_user_id_that_is_no_uuid_is_refused(api_client, remote_token):
    response = api_client.get(ME_URL, **authenticated(remote_token(sub="42; DROP TABLE")))
    assert response.status_code == 401


def test_an_email_held_by_a_stale_copy_goes_to_the_user_the_auth_service_now_gives_it(api_client, remote_token):
    stale = User.objects.create_user(email="ada@example.com", password=None)
    response = api_client.get(ME_URL, **authenticated(remote_token()))
    assert response.status_code == 200, response.content
    assert response.json()["email"] == "ada@example.com"
    stale.refresh_from_db()
    assert stale.email == f"{stale.pk}@stale-copy.invalid"


def test_a_copy_whose_new_email_another_copy_still_holds_takes_it(api_client, remote_token, remote_user):
    # Ada moved to an address whose former holder left the auth service and has not been seen here since.
    api_client.get(ME_URL, **authenticated(remote_token()))
    former_holder = User.objects.create_user(email="countess@example.com", password=None)
    response = api_client.get(ME_URL, **authenticated(remote_token(email="countess@example.com")))
    assert response.status_code == 200, response.content
    assert User.objects.get(pk=remote_user.pk).email == "countess@example.com"
    former_holder.refresh_from_db()
    assert former_holder.email == f"{former_holder.pk}@stale-copy.invalid"
