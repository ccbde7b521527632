"""Staff sign in to this service's admin with their auth-service credentials (remote/backends.py)."""

import json

import pytest
import requests
import responses
from django.contrib.auth import authenticate

from .conftest import auth_service_url

pytestmark = pytest.mark.django_db

LOGIN_URL = auth_service_url("/api/auth/login/password/")
LOGOUT_URL = auth_service_url("/api/auth/logout/")


@pytest.fixture
def upstream_login(auth_service):
    """Make the fake auth service complete a password login with `access`."""

    def answer(access: str) -> None:
        auth_service.add(responses.POST, LOGIN_URL, json={"status": "complete", "access": access, "refresh": "r.r.r"})
        auth_service.add(responses.POST, LOGOUT_URL, status=204)

    return answer


def test_a_staff_member_signs_in_and_gets_a_local_copy(upstream_login, remote_token, remote_user, auth_service):
    upstream_login(remote_token(is_staff=True))
    user = authenticate(None, username="ada@example.com", password="correct horse")
    assert user is not None
    assert (user.pk, user.is_staff) == (remote_user.pk, True)
    login = next(call for call in auth_service.calls if call.request.url == LOGIN_URL)
    assert json.loads(login.request.body) == {"email": "ada@example.com", "password": "correct horse"}
    assert any(call.request.url == LOGOUT_URL for call in auth_service.calls), (
        "the login's refresh token is handed back"
    )


def test_a_user_who_is_not_staff_is_refused(upstream_login, remote_token):
    upstream_login(remote_token(is_staff=False))
    assert authenticate(None, username="ada@example.com", password="correct horse") is None


def test_a_forged_access_token_from_upstream_is_refused(upstream_login, remote_token):
    upstream_login(remote_token(is_staff=True)[:-4] + "AAAA")
    assert authenticate(None, username="ada@example.com", password="correct horse") is None


def test_wrong_credentials_are_refused(auth_service):
    auth_service.add(responses.POST, LOGIN_URL, json={"type": "client_error", "errors": []}, status=400)
    assert authenticate(None, username="ada@example.com", password="wrong") is None


def test_an_unreachable_auth_service_refuses_the_sign_in(auth_service):
    auth_service.add(responses.POST, LOGIN_URL, body=requests.ConnectionError("down"))
    assert authenticate(None, username="ada@example.com", password="correct horse") is None
