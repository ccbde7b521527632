"""`me/` on a client service: GET reads the local copy, PATCH changes the user at the auth service (remote/me.py).

The fake auth service answers through `responses`. (What `me/` does on every role,
reading and refusing bad bodies, is in tests/authn/test_me.py.)
"""

import json
import time
from email.utils import formatdate

import pytest
import requests
import responses
from django.contrib.auth import get_user_model

from ..tokens import authenticated
from .conftest import ME_URL, auth_service_url

pytestmark = pytest.mark.django_db

UPSTREAM_ME_URL = auth_service_url(ME_URL)


def auth_service_answer(remote_user, **fields) -> dict:
    """The auth service's answer to PATCH me/: its user serializer's fields."""
    return {
        "id": str(remote_user.pk),
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "groups": [],
        **fields,
    }


def copy_of(remote_user):
    return get_user_model().objects.get(pk=remote_user.pk)


def test_a_patch_is_made_at_the_auth_service_and_its_answer_updates_the_copy(
    api_client, auth_service, remote_user, remote_token
):
    auth_service.add(responses.PATCH, UPSTREAM_ME_URL, json=auth_service_answer(remote_user, first_name="Grace"))
    token = remote_token()
    response = api_client.patch(ME_URL, {"first_name": "Grace"}, format="json", **authenticated(token))
    assert response.status_code == 200, response.content
    assert response.json()["first_name"] == "Grace"
    sent = auth_service.calls[-1].request
    assert (sent.method, json.loads(sent.body)) == ("PATCH", {"first_name": "Grace"})
    credentials = sent.headers.get("Authorization", "") + sent.headers.get("Cookie", "")
    assert token in credentials, "the access token that authenticated the request is passed on"
    assert copy_of(remote_user).first_name == "Grace"


def test_the_access_token_that_made_the_change_does_not_undo_it_in_the_copy(
    api_client, auth_service, remote_user, remote_token
):
    auth_service.add(responses.PATCH, UPSTREAM_ME_URL, json=auth_service_answer(remote_user, first_name="Grace"))
    token = remote_token()  # still says "Ada": issued before the change
    api_client.patch(ME_URL, {"first_name": "Grace"}, format="json", **authenticated(token))
    answer = api_client.get(ME_URL, **authenticated(token))
    assert answer.json()["first_name"] == "Grace", "GET me/ must agree with the PATCH that preceded it"
    assert copy_of(remote_user).first_name == "Grace"


def test_a_token_issued_after_the_auth_services_answer_updates_the_copy_again(
    api_client, auth_service, remote_user, remote_token
):
    # The auth service answered 10 seconds ago by its clock (its Date header), to a token issued before.
    now = int(time.time())
    answered = {"Date": formatdate(now - 10, usegmt=True)}
    answer = auth_service_answer(remote_user, first_name="Grace")
    auth_service.add(responses.PATCH, UPSTREAM_ME_URL, json=answer, headers=answered)
    earlier = remote_token(iat=now - 20)
    api_client.patch(ME_URL, {"first_name": "Grace"}, format="json", **authenticated(earlier))
    assert api_client.get(ME_URL, **authenticated(earlier)).json()["first_name"] == "Grace"
    later = remote_token(first_name="Amazing Grace", iat=now)
    assert api_client.get(ME_URL, **authenticated(later)).json()["first_name"] == "Amazing Grace"


def test_a_body_the_serializer_refuses_is_refused_here_without_asking_the_auth_service(
    api_client, auth_service, remote_user, remote_token
):
    response = api_client.patch(ME_URL, {"is_staff": True}, format="json", **authenticated(remote_token()))
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unexpected_field"
    assert [call.request.url for call in auth_service.calls if call.request.url == UPSTREAM_ME_URL] == []


def test_a_refusal_of_the_auth_service_is_passed_on_and_the_copy_is_left_alone(
    api_client, auth_service, remote_user, remote_token
):
    upstream = {"type": "client_error", "errors": [{"code": "token_not_valid", "detail": "x", "attr": None}]}
    auth_service.add(responses.PATCH, UPSTREAM_ME_URL, json=upstream, status=401)
    response = api_client.patch(ME_URL, {"first_name": "Grace"}, format="json", **authenticated(remote_token()))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_not_valid"
    assert copy_of(remote_user).first_name == "Ada"


def test_an_answer_about_another_user_is_a_502_and_changes_no_copy(
    api_client, auth_service, remote_user, remote_token
):
    other = auth_service_answer(remote_user, id="00000000-0000-4000-8000-000000000000", first_name="Mallory")
    auth_service.add(responses.PATCH, UPSTREAM_ME_URL, json=other)
    response = api_client.patch(ME_URL, {"first_name": "Mallory"}, format="json", **authenticated(remote_token()))
    assert response.status_code == 502
    assert response.json()["errors"][0]["code"] == "auth_service_error"
    assert copy_of(remote_user).first_name == "Ada"


def test_an_unreachable_auth_service_is_a_503_and_the_copy_is_left_alone(
    api_client, auth_service, remote_user, remote_token
):
    auth_service.add(responses.PATCH, UPSTREAM_ME_URL, body=requests.ConnectionError("refused"))
    response = api_client.patch(ME_URL, {"first_name": "Grace"}, format="json", **authenticated(remote_token()))
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "auth_service_unavailable"
    assert copy_of(remote_user).first_name == "Ada"


def test_get_is_answered_from_the_copy_without_asking_the_auth_service(api_client, auth_service, remote_token):
    response = api_client.get(ME_URL, **authenticated(remote_token()))
    assert response.json()["first_name"] == "Ada"
    assert [call for call in auth_service.calls if call.request.url == UPSTREAM_ME_URL] == []
