"""Device trust over HTTP: a password login from a device the account does not know answers an emailed code.

With GATEHOUSE["DEVICE_TRUST"] on, the password scenario's `credentials` step answers
`needs_step` with `next_step: "device"`, and the code emailed to the account completes the
login. The answer sets the HttpOnly device cookie (and, with tokens in the body, carries
`device_token` for app clients, which send it back in the Device-Token header); the next
password login from that device completes at once. A user with a second factor answers
that instead, a scenario that emails a code is not asked twice, and ending a session with
`?forget_device=true` forgets its device.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from {{ cookiecutter.project_slug }}.authn.conf import DEVICE_TOKEN_HEADER, device_cookie_name
from {{ cookiecutter.project_slug }}.devices.models import KnownDevice
from {{ cookiecutter.project_slug }}.login.scenarios import EmailCodeScenario, PasswordScenario
from {{ cookiecutter.project_slug }}.users.models import User

from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import (
    assert_complete,
    assert_error,
    assert_needs_step,
    emailed_code,
    enable_scenarios,
    login_url,
    other_code,
)
{%- if cookiecutter.use_mfa == "y" %}
from ..mfa.helpers import TotpClock, give_totp
{%- endif %}
from ..openapi import openapi_schema
from ..sessions.transport_client import TransportClient

pytestmark = pytest.mark.django_db

SESSIONS_URL = "/api/auth/sessions/"


@pytest.fixture(autouse=True)
def device_trust(settings) -> None:
    enable_scenarios(settings, PasswordScenario, EmailCodeScenario, DEVICE_TRUST=True, LOCKOUT_ACCOUNT_THRESHOLD=3)


class Browser:
    """A browser of this project's transport: its cookies, the device cookie included, go with its next requests.

    The login steps run what they queue on commit, so that the emailed code is in `mail.outbox`.
    """

    def __init__(self, capture_on_commit_callbacks: Any) -> None:
        self.http = TransportClient()
        self.http.fetch_csrf_token()
        self.capture_on_commit_callbacks = capture_on_commit_callbacks

    def step(self, scenario: str, body: dict[str, Any], **headers: str) -> Any:
        with self.capture_on_commit_callbacks(execute=True):
            return self.http.client.post(login_url(scenario), body, format="json", **self.http.headers, **headers)

    def log_in(self, user: User, **headers: str) -> dict[str, Any]:
        """A password login that completes at once (a known device); its answer's body."""
        response = self.step("password", credentials(user), **headers)
        body = assert_complete(response, user)
        self.http.keep_tokens(response)
        return body

    def log_in_confirming_the_device(self, user: User, **headers: str) -> dict[str, Any]:
        """A password login answered with the emailed device code; the completed answer's body."""
        flow = assert_needs_step(self.step("password", credentials(user), **headers), "device")["flow"]
        response = self.step("password", {"flow": flow, "code": emailed_code()}, **headers)
        body = assert_complete(response, user)
        self.http.keep_tokens(response)
        return body

    def device_cookie(self) -> Any:
        return self.http.client.cookies.get(device_cookie_name())


@pytest.fixture
def new_browser(django_capture_on_commit_callbacks) -> Callable[[], Browser]:
    return lambda: Browser(django_capture_on_commit_callbacks)


@pytest.fixture
def browser(new_browser) -> Browser:
    return new_browser()


def credentials(user: User) -> dict[str, str]:
    return {"email": user.email, "password": DEFAULT_PASSWORD}


def test_a_new_device_answers_an_emailed_code_and_is_then_known(browser):
    user = UserFactory()
    browser.log_in_confirming_the_device(user)
    assert "device your account has not been used on" in mail.outbox[-1].body
    assert KnownDevice.objects.filter(user=user).count() == 1
    browser.log_in(user)


def test_the_device_cookie_is_httponly_and_only_goes_to_the_login_endpoints(browser):
    browser.log_in_confirming_the_device(UserFactory())
    cookie = browser.device_cookie()
    assert cookie["httponly"]
    assert cookie["path"] == "/api/auth/login/"
    assert int(cookie["max-age"]) > 30 * 24 * 3600, "a device stays known for months"


def test_another_device_of_the_same_account_is_asked_again(browser, new_browser):
    user = UserFactory()
    browser.log_in_confirming_the_device(user)
    assert_needs_step(new_browser().step("password", credentials(user)), "device")


def test_a_device_known_to_one_account_is_not_known_to_another(browser):
    first, second = UserFactory(), UserFactory()
    browser.log_in_confirming_the_device(first)
    browser.log_in_confirming_the_device(second)
    browser.log_in(first)
    browser.log_in(second)
    assert KnownDevice.objects.values("token_digest").distinct().count() == 1, "one device, one token"


def test_an_app_client_sends_the_device_token_in_a_header(browser, new_browser):
    user = UserFactory()
    body = browser.log_in_confirming_the_device(user)
    # With tokens in the body the answer carries the device token too; a cookie always does.
    token = body.get("device_token") or browser.device_cookie().value
    assert token == browser.device_cookie().value
    # An app client, which keeps no cookies: only the header says which device it is.
    app = new_browser()
    app.log_in(user, **{f"HTTP_{DEVICE_TOKEN_HEADER.upper().replace('-', '_')}": token})
    del app.http.client.cookies[device_cookie_name()]
    assert_needs_step(app.step("password", credentials(user)), "device")


def test_a_forged_device_token_is_a_new_device(browser):
    user = UserFactory()
    browser.log_in_confirming_the_device(user)
    token = browser.device_cookie().value
    browser.http.client.cookies[device_cookie_name()] = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert_needs_step(browser.step("password", credentials(user)), "device")


def test_wrong_device_codes_count_in_the_accounts_lockout(browser):
    user = UserFactory()
    for _ in range(3):
        flow = assert_needs_step(browser.step("password", credentials(user)), "device")["flow"]
        wrong = other_code(emailed_code())
        assert_error(browser.step("password", {"flow": flow, "code": wrong}), 401, "code_invalid", "code")
    assert_error(browser.step("password", credentials(user)), 429, "locked_out")
    assert not KnownDevice.objects.filter(user=user).exists()


def test_a_wrong_password_sends_no_code(browser):
    user = UserFactory()
    mail.outbox.clear()
    assert_error(browser.step("password", {"email": user.email, "password": "not it"}), 401, "invalid_credentials")
    assert mail.outbox == []


def test_an_email_code_login_is_not_asked_for_another_code(browser):
    user = UserFactory()
    flow = assert_needs_step(browser.step("email-code", {"email": user.email}), "verify")["flow"]
    assert_complete(browser.step("email-code", {"flow": flow, "code": emailed_code()}), user)
    assert KnownDevice.objects.filter(user=user).exists(), "the login made its device known"
    browser.log_in(user)


def test_ending_a_session_with_forget_device_forgets_its_device(browser, new_browser):
    user = UserFactory()
    browser.log_in_confirming_the_device(user)
    device = KnownDevice.objects.get(user=user)
    # Another device of the user ends the first one's session.
    manager = new_browser()
    manager.log_in_confirming_the_device(user)
    response = manager.http.delete(f"{SESSIONS_URL}{device.session_id}/?forget_device=true")
    assert response.status_code == 204, response.content
    assert not KnownDevice.objects.filter(pk=device.pk).exists()
    assert_needs_step(browser.step("password", credentials(user)), "device")


def test_ending_a_session_keeps_its_device_unless_asked(browser):
    user = UserFactory()
    browser.log_in_confirming_the_device(user)
    device = KnownDevice.objects.get(user=user)
    assert browser.http.delete(f"{SESSIONS_URL}{device.session_id}/").status_code == 204
    assert KnownDevice.objects.filter(pk=device.pk).exists()
    browser.log_in(user)


def test_forget_device_must_be_a_boolean(browser):
    user = UserFactory()
    browser.log_in_confirming_the_device(user)
    session_id = KnownDevice.objects.get(user=user).session_id
    response = browser.http.delete(f"{SESSIONS_URL}{session_id}/?forget_device=maybe")
    assert_error(response, 400, "invalid", "forget_device")


def test_without_device_trust_a_password_login_completes_at_once(browser, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "DEVICE_TRUST": False}
    user = UserFactory()
    browser.log_in(user)
    assert not KnownDevice.objects.exists()


def test_the_schema_lists_the_device_step_after_the_scenarios_it_may_follow(api_client, settings):
    def bodies(scenario: str) -> list[str]:
        operation = openapi_schema(api_client)["paths"][login_url(scenario)]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        return [reference["$ref"].rsplit("/", 1)[-1] for reference in body.get("anyOf", [body])]

    assert "LoginStepPasswordDevice" in bodies("password")
    assert not any(name.endswith("Device") for name in bodies("email-code"))
    settings.GATEHOUSE = {**settings.GATEHOUSE, "DEVICE_TRUST": False}
    assert not any(name.endswith("Device") for name in bodies("password"))


def test_the_personal_data_export_lists_the_devices_without_their_token(browser):
    browser.log_in_confirming_the_device(UserFactory())
    devices = browser.http.get("/api/auth/me/export/").json()["devices"]
    assert len(devices) == 1
    assert set(devices[0]) == {"created_at", "last_login_at", "user_agent"}
{%- if cookiecutter.use_mfa == "y" %}


def test_a_user_with_a_second_factor_answers_it_instead(browser, monkeypatch):
    user = UserFactory()
    secret, _ = give_totp(user)
    flow = assert_needs_step(browser.step("password", credentials(user)), "mfa")["flow"]
    code = TotpClock(monkeypatch).code(secret)
    assert_complete(browser.step("password", {"flow": flow, "code": code}), user)
    assert KnownDevice.objects.filter(user=user).exists()
{%- endif %}
