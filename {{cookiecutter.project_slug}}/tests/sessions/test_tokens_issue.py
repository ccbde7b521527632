"""Completing a login issues a fresh, minimal token pair and answers with the user, through the transport.

A scenario's last step calls `complete_login()`; this module mounts a view that does
just that for a given user, as the scenario engine does after checking credentials.
"""

import jwt
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import include, path
from django.utils import timezone
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.login.engine import complete_login

from ..factories import UserFactory
from ..tokens import authenticated
from .helpers import tokens_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

TOKEN_CLAIMS = {"token_type", "exp", "iat", "jti", "sub", "aud", "iss"}


class CompleteLoginView(APIView):
    """The end of a scenario: the user has proved who they are."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request, user_id):
        return complete_login(request, get_user_model().objects.get(pk=user_id), "password")


urlpatterns = [
    path("complete-login/<uuid:user_id>/", CompleteLoginView.as_view()),
    path("api/auth/", include("{{ cookiecutter.project_slug }}.authn.urls")),
]


def log_in(api_client, user):
    return api_client.post(f"/complete-login/{user.pk}/")


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


def test_a_completed_login_answers_the_user_and_when_the_access_token_expires(api_client):
    user = UserFactory(first_name="Ada", last_name="Lovelace")
    response = log_in(api_client, user)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "complete"
    assert body["user"] == {
        "id": str(user.pk),
        "email": user.email,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "groups": [],
    }
    assert body["expires_in"] == settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()


def test_the_access_token_of_a_login_authenticates_requests(api_client):
    user = UserFactory()
    access = tokens_of(log_in(api_client, user)).access
    response = api_client.get("/api/auth/me/", **authenticated(access))
    assert response.status_code == 200
    assert response.json()["id"] == str(user.pk)


def test_a_completed_login_is_never_cached(api_client):
    response = log_in(api_client, UserFactory())
    assert "no-store" in response["Cache-Control"]


def test_two_logins_get_different_token_ids_and_refresh_tokens(api_client):
    user = UserFactory()
    first, second = tokens_of(log_in(api_client, user)), tokens_of(log_in(api_client, user))
    assert first.refresh != second.refresh
    assert claims_of(first.refresh)["jti"] != claims_of(second.refresh)["jti"]
    assert claims_of(first.access)["jti"] != claims_of(second.access)["jti"]


def test_a_completed_login_updates_last_login(api_client):
    user = UserFactory()
    assert user.last_login is None
    log_in(api_client, user)
    user.refresh_from_db()
    assert user.last_login is not None
{%- if cookiecutter.auth_role != "auth_service" %}


# An auth service's access tokens also carry what client services copy of the user (test_jwks.py).
def test_tokens_carry_only_ids_times_type_audience_and_issuer(api_client):
    issued = tokens_of(log_in(api_client, UserFactory(first_name="Ada")))
    # An access token also says when its user logged in (RFC 9068) and names its session (OIDC's `sid`).
    access, refresh = claims_of(issued.access), claims_of(issued.refresh)
    assert set(access) == TOKEN_CLAIMS | {"auth_time", "sid"}
    # A refresh token also names its family (the login it was rotated from), an opaque random id: the session.
    assert set(refresh) == TOKEN_CLAIMS | {"fam"}
    assert access["sid"] == refresh["fam"]
    assert "Ada" not in str(claims_of(issued.access))
{%- endif %}


def test_tokens_name_the_configured_audience_and_issuer(api_client):
    claims = claims_of(tokens_of(log_in(api_client, UserFactory())).access)
    assert claims["aud"] == settings.SIMPLE_JWT["AUDIENCE"]
    assert claims["iss"] == settings.SIMPLE_JWT["ISSUER"]


def test_tokens_are_signed_with_the_configured_algorithm(api_client):
    access = tokens_of(log_in(api_client, UserFactory())).access
    assert jwt.get_unverified_header(access)["alg"] == settings.SIMPLE_JWT["ALGORITHM"]


def test_token_lifetimes_follow_the_settings(api_client, monkeypatch):
    # One instant for every token made in this login: `iat` and `exp` of one token are read at
    # different moments, and could otherwise fall on two sides of a second.
    frozen = timezone.now().replace(microsecond=0)
    monkeypatch.setattr("rest_framework_simplejwt.tokens.aware_utcnow", lambda: frozen)
    issued = tokens_of(log_in(api_client, UserFactory()))
    access, refresh = claims_of(issued.access), claims_of(issued.refresh)
    assert access["exp"] - access["iat"] == settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    assert refresh["exp"] - refresh["iat"] == settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"].total_seconds()


def test_no_tokens_are_issued_to_an_inactive_user(issue_tokens):
    with pytest.raises(ValueError, match="inactive"):
        issue_tokens(UserFactory(is_active=False))
