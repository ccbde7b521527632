"""The local copy of an auth-service user: created from the token's claims, updated only when they change."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_claims_of_the_wrong_type_are_ignored(api_client, remote_token, remote_user):
    api_client.get(ME_URL, **authenticated(remote_token(is_staff="yes", first_name=["Ada"])))
    copy = User.objects.get(pk=remote_user.pk)
    assert (copy.is_staff, copy.first_name) == (False, "")


def test_a_user_id_that_is_no_uuid_is_refused(api_client, remote_token):
    response = api_client.get(ME_URL, **authenticated(remote_token(sub="42; DROP TABLE")))
    assert response.status_code == 401


def test_an_email_held_by_another_copy_is_refused_not_a_500(api_client, remote_token):
    User.objects.create_user(email="ada@example.com", password=None)
    response = api_client.get(ME_URL, **authenticated(remote_token()))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_not_valid"


def test_the_claims_mapper_setting_maps_extra_claims(settings, api_client, remote_token, remote_user):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "REMOTE_USER_CLAIMS_MAPPER": f"{__name__}.mapper_with_nickname"}
    api_client.get(ME_URL, **authenticated(remote_token(nickname="Countess")))
    assert User.objects.get(pk=remote_user.pk).last_name == "Countess"
