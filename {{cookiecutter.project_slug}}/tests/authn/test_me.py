"""`me/`: the authenticated user reads their account and changes their name, nothing else."""

import pytest
from django.contrib.auth.models import Group
from rest_framework import serializers

from {{ cookiecutter.project_slug }}.authn.errors import NOT_AUTHENTICATED, TOKEN_NOT_VALID

from ..factories import UserFactory
from ..tokens import authenticated

pytestmark = pytest.mark.django_db

ME_URL = "/api/auth/me/"


class NicknameUserSerializer(serializers.Serializer):
    """A project's own user serializer, named by GATEHOUSE["USER_SERIALIZER"]."""

    nickname = serializers.SerializerMethodField()

    def get_nickname(self, user) -> str:
        return user.first_name.lower()


@pytest.fixture
def user():
    return UserFactory(first_name="Ada", last_name="Lovelace")


def test_me_returns_the_authenticated_user(api_client, make_access_token, user):
    response = api_client.get(ME_URL, **authenticated(make_access_token(user)))
    assert response.status_code == 200
    assert response.json() == {
        "id": str(user.pk),
        "email": user.email,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "groups": [],
    }


def test_me_lists_the_names_of_the_users_groups(api_client, make_access_token, user):
    user.groups.add(Group.objects.create(name="editors"), Group.objects.create(name="admins"))
    response = api_client.get(ME_URL, **authenticated(make_access_token(user)))
    assert sorted(response.json()["groups"]) == ["admins", "editors"]


def test_me_refuses_a_request_without_a_token(api_client):
    response = api_client.get(ME_URL)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == NOT_AUTHENTICATED


@pytest.mark.parametrize("source", ["claims", "database"])
def test_me_refuses_a_deactivated_user_whatever_the_token_user_source(
    source, api_client, make_access_token, user, settings
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": source}
    token = make_access_token(user)
    user.is_active = False
    user.save()
    response = api_client.get(ME_URL, **authenticated(token))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == TOKEN_NOT_VALID
{%- if cookiecutter.auth_role != "client_service" %}


def test_patch_me_changes_first_and_last_name(api_client, make_access_token, user):
    response = api_client.patch(
        ME_URL, {"first_name": "Grace", "last_name": "Hopper"}, format="json", **authenticated(make_access_token(user))
    )
    assert response.status_code == 200
    assert response.json()["first_name"] == "Grace"
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Grace", "Hopper")
{%- endif %}


def test_patch_me_refuses_email_permissions_and_ids(api_client, make_access_token, user):
    original_email, original_pk = user.email, user.pk
    body = {
        "email": "attacker@example.com",
        "is_staff": True,
        "is_superuser": True,
        "is_active": False,
        "groups": ["admins"],
        "id": "00000000-0000-4000-8000-000000000000",
        "password": "a-new-password",
    }
    response = api_client.patch(ME_URL, body, format="json", **authenticated(make_access_token(user)))
    assert response.status_code == 400
    assert [(error["code"], error["attr"]) for error in response.json()["errors"]] == [("unexpected_field", None)]
    user.refresh_from_db()
    assert (user.email, user.pk) == (original_email, original_pk)
    assert not user.is_staff
    assert not user.is_superuser
    assert user.is_active
    assert not user.groups.exists()
    assert not user.check_password("a-new-password")


@pytest.mark.parametrize("body", ['["first_name"]', '"Grace"', "42", "null"])
def test_patch_me_refuses_a_body_that_is_not_an_object(body, api_client, make_access_token, user):
    response = api_client.generic(
        "PATCH", ME_URL, body, content_type="application/json", **authenticated(make_access_token(user))
    )
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


@pytest.mark.parametrize("value", [None, {"$ne": None}, ["Grace"], "x" * 151])
def test_patch_me_refuses_a_name_of_the_wrong_type_or_length(value, api_client, make_access_token, user):
    response = api_client.patch(ME_URL, {"first_name": value}, format="json", **authenticated(make_access_token(user)))
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "first_name"
    user.refresh_from_db()
    assert user.first_name == "Ada"


def test_patch_me_refuses_malformed_json(api_client, make_access_token, user):
    response = api_client.generic(
        "PATCH", ME_URL, '{"first_name": ', content_type="application/json", **authenticated(make_access_token(user))
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_put_me_is_not_allowed(api_client, make_access_token, user):
    response = api_client.put(ME_URL, {"first_name": "Grace"}, format="json", **authenticated(make_access_token(user)))
    assert response.status_code == 405


def test_patch_me_refuses_a_request_without_a_token(api_client, user):
    response = api_client.patch(ME_URL, {"first_name": "Mallory"}, format="json")
    assert response.status_code == 401
    user.refresh_from_db()
    assert user.first_name == "Ada"


def test_user_serializer_is_chosen_by_the_setting(api_client, make_access_token, user, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "USER_SERIALIZER": f"{__name__}.NicknameUserSerializer"}
    response = api_client.get(ME_URL, **authenticated(make_access_token(user)))
    assert response.json() == {"nickname": "ada"}
