"""Passkeys over HTTP, with the software authenticator of authenticator.py.

Registration (`passkeys/register/options/`, then `passkeys/register/` with a name) needs a
recent login and a fresh challenge kept on the server; a registered passkey is listed in
`mfa/` and deleted with `DELETE passkeys/<id>/`. It logs in alone, without an email
(scenario `passkey`: steps `options` and `assertion`), or answers the `mfa` step of a
password login. An assertion for another origin or challenge, or whose sign counter did
not grow, is refused.
"""

from datetime import timedelta

import pytest
from django.core import mail

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent
from {{ cookiecutter.project_slug }}.login.scenarios import PasswordScenario
from {{ cookiecutter.project_slug }}.mfa.models import Passkey
from {{ cookiecutter.project_slug }}.mfa.scenarios import PasskeyScenario

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import LoginClient, assert_complete, assert_needs_step, enable_scenarios
from .authenticator import SoftwareAuthenticator
from .helpers import MFA_URL, assert_error, give_totp

pytestmark = pytest.mark.django_db

OPTIONS_URL = "/api/auth/mfa/passkeys/register/options/"
REGISTER_URL = "/api/auth/mfa/passkeys/register/"


@pytest.fixture
def login(log_in, settings, api_client, django_capture_on_commit_callbacks) -> LoginClient:
    """Login steps over HTTP, with the password and passkey scenarios on (after `log_in`, which sets the password one)."""
    enable_scenarios(settings, PasswordScenario, PasskeyScenario, LOCKOUT_ACCOUNT_THRESHOLD=3)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def register(client, authenticator: SoftwareAuthenticator, name: str = "Laptop", **create) -> object:
    """Ask for creation options and answer them with `authenticator`; the answer of `passkeys/register/`."""
    options = client.post(OPTIONS_URL)
    assert options.status_code == 200, options.content
    return client.post(REGISTER_URL, {"credential": authenticator.create(options.json(), **create), "name": name})


def with_passkey(log_in, user) -> SoftwareAuthenticator:
    """`user` with a passkey registered over HTTP."""
    authenticator = SoftwareAuthenticator()
    response = register(log_in(user), authenticator)
    assert response.status_code == 201, response.content
    return authenticator


def passkey_options(login) -> dict:
    """Start a passkey login: the flow and the request options of its `assertion` step."""
    body = assert_needs_step(login.step("passkey", {}), "assertion")
    return body


def test_a_registered_passkey_is_listed_emailed_and_audited(log_in, django_capture_on_commit_callbacks):
    user = UserFactory()
    client = log_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, SoftwareAuthenticator(), name="Work laptop")
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"id", "name", "created_at", "last_used_at"}
    listed = client.get(MFA_URL).json()["passkeys"]
    assert [(passkey["name"], passkey["last_used_at"]) for passkey in listed] == [("Work laptop", None)]
    assert any("second factor was added" in message.subject for message in mail.outbox)
    assert AuthEvent.objects.filter(
        user=user, kind=AuthEvent.Kind.SECOND_FACTOR_ADDED, extra={"factor": "passkey"}
    ).exists()


def test_the_creation_options_ask_for_a_discoverable_credential_of_this_relying_party(log_in):
    options = log_in(UserFactory()).post(OPTIONS_URL).json()
    assert options["rp"]["id"] == "testserver"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert len(options["challenge"]) >= 43, "the challenge must hold at least 32 random bytes"


def test_registration_options_need_a_recent_login(log_in):
    client = log_in(UserFactory(), authenticated_ago=timedelta(hours=1))
    assert_error(client.post(OPTIONS_URL), 401, "reauthentication_required")


def test_a_registration_for_another_origin_is_refused(log_in):
    response = register(log_in(UserFactory()), SoftwareAuthenticator(), origin="https://evil.example")
    assert_error(response, 400, "passkey_invalid")


def test_a_registration_for_another_relying_party_is_refused(log_in):
    response = register(log_in(UserFactory()), SoftwareAuthenticator(), rp_id="evil.example")
    assert_error(response, 400, "passkey_invalid")


def test_a_registration_challenge_is_used_once(log_in):
    client = log_in(UserFactory())
    options = client.post(OPTIONS_URL).json()
    first = client.post(REGISTER_URL, {"credential": SoftwareAuthenticator().create(options), "name": "One"})
    assert first.status_code == 201, first.content
    second = client.post(REGISTER_URL, {"credential": SoftwareAuthenticator().create(options), "name": "Two"})
    assert_error(second, 400, "passkey_challenge_expired")


@pytest.mark.parametrize("body", [{"credential": "text", "name": "x"}, {"credential": {}, "name": 5}, {"name": "x"}])
def test_a_malformed_registration_body_is_a_validation_error(log_in, body):
    client = log_in(UserFactory())
    client.post(OPTIONS_URL)
    response = client.post(REGISTER_URL, body)
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error"


def test_deleting_a_passkey_needs_a_recent_login(log_in):
    user = UserFactory()
    stale, fresh = log_in(user, authenticated_ago=timedelta(hours=1)), log_in(user)
    assert register(fresh, SoftwareAuthenticator()).status_code == 201
    passkey_id = Passkey.objects.get(user=user).pk
    assert_error(stale.delete(f"/api/auth/mfa/passkeys/{passkey_id}/"), 401, "reauthentication_required")
    assert Passkey.objects.filter(pk=passkey_id).exists()


def test_deleting_a_passkey_removes_it_and_is_emailed(log_in, django_capture_on_commit_callbacks):
    user = UserFactory()
    client = log_in(user)
    assert register(client, SoftwareAuthenticator()).status_code == 201
    passkey_id = Passkey.objects.get(user=user).pk
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/auth/mfa/passkeys/{passkey_id}/").status_code == 204
    assert client.get(MFA_URL).json()["passkeys"] == []
    assert any("second factor was removed" in message.subject for message in mail.outbox)


def test_another_users_passkey_is_not_found(log_in):
    theirs = with_passkey(log_in, UserFactory())
    other_id = Passkey.objects.get(credential_id=theirs.credential_id).pk
    assert_error(log_in(UserFactory()).delete(f"/api/auth/mfa/passkeys/{other_id}/"), 404, "passkey_not_found")


def test_a_passkey_logs_in_alone_without_an_email(log_in, login):
    user = UserFactory()
    authenticator = with_passkey(log_in, user)
    body = passkey_options(login)
    assert body["options"]["rpId"] == "testserver"
    assert body["options"]["allowCredentials"] == [], "usernameless: no credential is listed"
    response = login.step("passkey", {"flow": body["flow"], "credential": authenticator.get(body["options"])})
    assert_complete(response, user)
    assert Passkey.objects.get(user=user).sign_count == 1


def test_a_passkey_login_is_not_asked_for_another_factor(log_in, login, clock):
    user = UserFactory()
    authenticator = with_passkey(log_in, user)
    give_totp(user)
    body = passkey_options(login)
    assert_complete(
        login.step("passkey", {"flow": body["flow"], "credential": authenticator.get(body["options"])}), user
    )


def test_a_sign_counter_that_did_not_grow_is_refused(log_in, login):
    user = UserFactory()
    authenticator = with_passkey(log_in, user)
    body = passkey_options(login)
    assert_complete(
        login.step("passkey", {"flow": body["flow"], "credential": authenticator.get(body["options"], sign_count=5)}),
        user,
    )
    body = passkey_options(login)
    cloned = authenticator.get(body["options"], sign_count=5)
    assert_error(login.step("passkey", {"flow": body["flow"], "credential": cloned}), 401, "passkey_invalid")
    assert Passkey.objects.get(user=user).sign_count == 5


def test_an_authenticator_that_never_counts_logs_in_again(log_in, login):
    user = UserFactory()
    authenticator = SoftwareAuthenticator(counts=False)
    assert register(log_in(user), authenticator).status_code == 201
    for _ in range(2):
        body = passkey_options(login)
        assert_complete(
            login.step("passkey", {"flow": body["flow"], "credential": authenticator.get(body["options"])}), user
        )


def test_an_assertion_for_another_origin_is_refused(log_in, login):
    authenticator = with_passkey(log_in, UserFactory())
    body = passkey_options(login)
    assertion = authenticator.get(body["options"], origin="https://evil.example")
    assert_error(login.step("passkey", {"flow": body["flow"], "credential": assertion}), 401, "passkey_invalid")


def test_an_assertion_of_another_flows_challenge_is_refused(log_in, login):
    authenticator = with_passkey(log_in, UserFactory())
    first, second = passkey_options(login), passkey_options(login)
    assertion = authenticator.get(first["options"])
    assert_error(login.step("passkey", {"flow": second["flow"], "credential": assertion}), 401, "passkey_invalid")


def test_a_passwordless_login_needs_user_verification(log_in, login):
    authenticator = with_passkey(log_in, UserFactory())
    body = passkey_options(login)
    assertion = authenticator.get(body["options"], user_verified=False)
    assert_error(login.step("passkey", {"flow": body["flow"], "credential": assertion}), 401, "passkey_invalid")


def test_an_unknown_passkey_is_refused(login):
    body = passkey_options(login)
    assertion = SoftwareAuthenticator().get(body["options"])
    assert_error(login.step("passkey", {"flow": body["flow"], "credential": assertion}), 401, "passkey_invalid")


def test_a_passkey_answers_the_mfa_step_of_a_password_login(log_in, login):
    user = UserFactory()
    authenticator = with_passkey(log_in, user)
    body = assert_needs_step(login.step("password", {"email": user.email, "password": DEFAULT_PASSWORD}), "mfa")
    assertion = authenticator.get(body["options"], user_verified=False)
    assert_complete(login.step("password", {"flow": body["flow"], "credential": assertion}), user)


def test_another_users_passkey_does_not_answer_the_mfa_step(log_in, login):
    user, other = UserFactory(), UserFactory()
    with_passkey(log_in, user)
    theirs = with_passkey(log_in, other)
    body = assert_needs_step(login.step("password", {"email": user.email, "password": DEFAULT_PASSWORD}), "mfa")
    assertion = theirs.get(body["options"])
    assert_error(login.step("password", {"flow": body["flow"], "credential": assertion}), 401, "passkey_invalid")


def test_the_mfa_step_offers_the_same_options_whether_or_not_the_account_has_a_passkey(log_in, login):
    with_passkey_user, totp_user = UserFactory(), UserFactory()
    with_passkey(log_in, with_passkey_user)
    give_totp(totp_user)
    answers = [
        assert_needs_step(login.step("password", {"email": user.email, "password": DEFAULT_PASSWORD}), "mfa")
        for user in (with_passkey_user, totp_user)
    ]
    shapes = [{**answer["options"], "challenge": None} for answer in answers]
    assert shapes[0] == shapes[1], shapes


def test_wrong_passkey_answers_count_in_the_account_lockout(log_in, login):
    user = UserFactory()
    authenticator = with_passkey(log_in, user)
    for _ in range(3):
        body = passkey_options(login)
        wrong = authenticator.get(body["options"], origin="https://evil.example")
        assert_error(login.step("passkey", {"flow": body["flow"], "credential": wrong}), 401, "passkey_invalid")
    body = passkey_options(login)
    assert_error(
        login.step("passkey", {"flow": body["flow"], "credential": authenticator.get(body["options"])}),
        429,
        "locked_out",
    )


def test_unknown_passkeys_do_not_lock_out_the_passkey_login_of_others(log_in, login):
    user = UserFactory()
    authenticator = with_passkey(log_in, user)
    for _ in range(4):
        body = passkey_options(login)
        stranger = SoftwareAuthenticator().get(body["options"])
        assert_error(login.step("passkey", {"flow": body["flow"], "credential": stranger}), 401, "passkey_invalid")
    body = passkey_options(login)
    assert_complete(
        login.step("passkey", {"flow": body["flow"], "credential": authenticator.get(body["options"])}), user
    )
