"""`POST reauthenticate/` takes a passkey's assertion instead of the password.

The client asks `mfa/passkeys/reauthenticate/options/` for request options with a fresh
challenge, which wait on the server under the user and list only their passkeys; the
browser's answer goes to `reauthenticate/` as `{"credential"}`. A challenge is used once,
another user's passkey is refused, and a wrong answer counts in the account's one lockout
budget like a wrong password.
"""

from datetime import timedelta

import pytest

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.mfa.models import Passkey

from ..factories import UserFactory
from ..sessions.transport_client import TransportClient, age_the_login
from .authenticator import SoftwareAuthenticator, b64url
from .helpers import REAUTHENTICATE_URL, TOTP_DISABLE_URL, assert_error, give_totp
from .test_passkeys import register, with_passkey

pytestmark = pytest.mark.django_db

OPTIONS_URL = "/api/auth/mfa/passkeys/reauthenticate/options/"
LONG_AGO = timedelta(hours=1)


def signed_in_long_ago_with_passkey(log_in, user) -> tuple[TransportClient, SoftwareAuthenticator]:
    """A client of `user`, who registered a passkey in it and whose login is now too old for sensitive actions."""
    client, authenticator = log_in(user), SoftwareAuthenticator()
    assert register(client, authenticator).status_code == 201
    age_the_login(client, user, LONG_AGO)
    return client, authenticator


def test_a_passkey_renews_the_login_and_the_sensitive_action_goes_through(log_in):
    user = UserFactory()
    client, authenticator = signed_in_long_ago_with_passkey(log_in, user)
    give_totp(user)
    assert_error(client.post(TOTP_DISABLE_URL), 401, "reauthentication_required")
    options = client.post(OPTIONS_URL)
    assert options.status_code == 200, options.content
    response = client.post(REAUTHENTICATE_URL, {"credential": authenticator.get(options.json())})
    assert response.status_code == 200, response.content
    client.keep_tokens(response)
    assert client.post(TOTP_DISABLE_URL).status_code == 204
    assert AuthEvent.objects.filter(user=user, kind=AuthEvent.Kind.REAUTHENTICATED).exists()
    assert Passkey.objects.get(user=user).last_used_at is not None


def test_the_options_list_only_the_users_own_passkeys(log_in):
    client, mine = signed_in_long_ago_with_passkey(log_in, UserFactory())
    with_passkey(log_in, UserFactory())
    options = client.post(OPTIONS_URL).json()
    assert [credential["id"] for credential in options["allowCredentials"]] == [b64url(mine.credential_id)]
    assert len(options["challenge"]) >= 43, "the challenge must hold at least 32 random bytes"


def test_the_options_need_a_login(api_client):
    assert_error(api_client.post(OPTIONS_URL), 401, "not_authenticated")


def test_a_challenge_is_used_once(log_in):
    client, authenticator = signed_in_long_ago_with_passkey(log_in, UserFactory())
    options = client.post(OPTIONS_URL).json()
    assert client.post(REAUTHENTICATE_URL, {"credential": authenticator.get(options)}).status_code == 200
    again = client.post(REAUTHENTICATE_URL, {"credential": authenticator.get(options)})
    assert_error(again, 400, "passkey_challenge_expired")


def test_an_assertion_without_options_is_refused(log_in):
    client, authenticator = signed_in_long_ago_with_passkey(log_in, UserFactory())
    forged = authenticator.get({"rpId": "testserver", "challenge": b64url(b"\0" * 32)})
    assert_error(client.post(REAUTHENTICATE_URL, {"credential": forged}), 400, "passkey_challenge_expired")


def test_another_users_passkey_is_refused(log_in):
    theirs = with_passkey(log_in, UserFactory())
    client, _ = signed_in_long_ago_with_passkey(log_in, UserFactory())
    options = client.post(OPTIONS_URL).json()
    assert_error(client.post(REAUTHENTICATE_URL, {"credential": theirs.get(options)}), 401, "passkey_invalid")


def test_wrong_assertions_lead_to_locked_out(log_in, settings):
    client, authenticator = signed_in_long_ago_with_passkey(log_in, UserFactory())
    settings.GATEHOUSE = {**settings.GATEHOUSE, "LOCKOUT_ACCOUNT_THRESHOLD": 3}
    for _ in range(3):
        options = client.post(OPTIONS_URL).json()
        wrong_origin = authenticator.get(options, origin="https://evil.example")
        assert_error(client.post(REAUTHENTICATE_URL, {"credential": wrong_origin}), 401, "passkey_invalid")
    options = client.post(OPTIONS_URL).json()
    assert_error(client.post(REAUTHENTICATE_URL, {"credential": authenticator.get(options)}), 429, "locked_out")


@pytest.mark.parametrize("credential", ["text", 5, ["list"]])
def test_a_credential_that_is_not_an_object_is_a_validation_error(log_in, credential):
    client = log_in(UserFactory(), authenticated_ago=LONG_AGO)
    response = client.post(REAUTHENTICATE_URL, {"credential": credential})
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error"
