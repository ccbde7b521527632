"""The `email-code` scenario: step `request` with an email, then step `verify` with the emailed code.

The request step answers the same whether or not the email has an account, and
emails only accounts. Codes are six digits from `secrets`, kept hashed, bound to their
flow, valid five minutes, and never written to a log.
"""

import logging
import smtplib

import kombu.exceptions
import pytest
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend

from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.authn.errors import (
    ACCOUNT_INACTIVE,
    CODE_INVALID,
    FLOW_EXPIRED,
    FLOW_REQUIRED,
    TOO_MANY_ATTEMPTS,
)
from {{ cookiecutter.project_slug }}.login.codes import hash_code
from {{ cookiecutter.project_slug }}.login.flows import FlowStore
from {{ cookiecutter.project_slug }}.mail import outbox, tasks
from {{ cookiecutter.project_slug }}.mail.models import OutboxEmail

from ..factories import UserFactory
from .helpers import (
    BUILTIN_SCENARIOS,
    LoginClient,
    assert_complete,
    assert_error,
    assert_needs_step,
    emailed_code,
    enable_scenarios,
    other_code,
    token_payload,
)

pytestmark = pytest.mark.django_db

SCENARIO = "email-code"


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, *BUILTIN_SCENARIOS)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


@pytest.fixture
def mail_server_fails_once(monkeypatch) -> None:
    """The mail server drops the connection on the first email, then works."""
    send_messages = EmailBackend.send_messages
    failures = iter([smtplib.SMTPServerDisconnected("connection lost")])

    def flaky_send_messages(self, messages):
        failure = next(failures, None)
        if failure:
            raise failure
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky_send_messages)


def request_code(login, email) -> str:
    """Run the request step for `email`; returns the flow token."""
    return assert_needs_step(login.step(SCENARIO, {"email": email}), "verify")["flow"]


def test_request_step_asks_for_the_verify_step_with_its_schema(login):
    user = UserFactory()
    body = assert_needs_step(login.step(SCENARIO, {"email": user.email}), "verify")
    assert body["schema"]["required"] == ["code", "flow"]


def test_flow_lives_as_long_as_the_code(login):
    user = UserFactory()
    body = assert_needs_step(login.step(SCENARIO, {"email": user.email}), "verify")
    assert 295 <= body["expires_in"] <= 300, body["expires_in"]


def test_request_step_emails_a_six_digit_code_to_the_account(login, mailoutbox):
    user = UserFactory()
    request_code(login, user.email.upper())
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [user.email]
    code = emailed_code(message)
    assert code.isascii()
    assert len(code) == 6
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert code in html


def test_right_code_completes_the_login(login):
    user = UserFactory()
    flow = request_code(login, user.email)
    assert_complete(login.step(SCENARIO, {"flow": flow, "code": emailed_code()}), user)


def test_request_step_answers_an_unknown_email_exactly_as_a_known_one(login):
    user = UserFactory()
    known = login.step(SCENARIO, {"email": user.email})
    unknown = login.step(SCENARIO, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert {**known.json(), "flow": ""} == {**unknown.json(), "flow": ""}
    assert set(known.headers) == set(unknown.headers)
    assert len(known.json()["flow"]) == len(unknown.json()["flow"])


def test_request_step_sends_nothing_to_an_unknown_email(login, mailoutbox):
    request_code(login, "nobody@example.com")
    assert mailoutbox == []


def test_unknown_email_never_completes_whatever_the_code(login, monkeypatch):
    # Were a code drawn for an address without an account, this is the one it would be.
    monkeypatch.setattr("{{ cookiecutter.project_slug }}.login.codes.generate_code", lambda length: "424242")
    flow = request_code(login, "nobody@example.com")
    assert_error(login.step(SCENARIO, {"flow": flow, "code": "424242"}), 401, CODE_INVALID, attr="code")


def test_wrong_code_is_refused_with_code_invalid(login):
    user = UserFactory()
    flow = request_code(login, user.email)
    response = login.step(SCENARIO, {"flow": flow, "code": other_code(emailed_code())})
    assert_error(response, 401, CODE_INVALID, attr="code")


def test_wrong_code_on_known_and_unknown_emails_gets_the_same_answer(login):
    user = UserFactory()
    known = login.step(SCENARIO, {"flow": request_code(login, user.email), "code": "000000"})
    unknown = login.step(SCENARIO, {"flow": request_code(login, "nobody@example.com"), "code": "000000"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_right_code_still_works_after_fewer_wrong_codes_than_the_limit(login):
    user = UserFactory()
    flow = request_code(login, user.email)
    code = emailed_code()
    for _ in range(gatehouse_settings.FLOW_MAX_FAILED_ATTEMPTS - 1):
        login.step(SCENARIO, {"flow": flow, "code": other_code(code)})
    assert_complete(login.step(SCENARIO, {"flow": flow, "code": code}), user)


def test_wrong_codes_up_to_the_limit_burn_the_flow(login):
    user = UserFactory()
    flow = request_code(login, user.email)
    code = emailed_code()
    limit = gatehouse_settings.FLOW_MAX_FAILED_ATTEMPTS
    answers = [login.step(SCENARIO, {"flow": flow, "code": other_code(code)}) for _ in range(limit)]
    for answer in answers[:-1]:
        assert_error(answer, 401, CODE_INVALID, attr="code")
    assert_error(answers[-1], 400, TOO_MANY_ATTEMPTS, attr="flow")
    assert_error(login.step(SCENARIO, {"flow": flow, "code": code}), 400, FLOW_EXPIRED, attr="flow")


def test_the_limit_is_a_setting(login, settings):
    enable_scenarios(settings, *BUILTIN_SCENARIOS, FLOW_MAX_FAILED_ATTEMPTS=1)
    user = UserFactory()
    flow = request_code(login, user.email)
    code = emailed_code()
    assert_error(login.step(SCENARIO, {"flow": flow, "code": other_code(code)}), 400, TOO_MANY_ATTEMPTS, attr="flow")
    assert_error(login.step(SCENARIO, {"flow": flow, "code": code}), 400, FLOW_EXPIRED, attr="flow")


def test_another_users_code_does_not_complete_a_flow(login, monkeypatch):
    codes = iter(["111111", "222222"])
    monkeypatch.setattr("{{ cookiecutter.project_slug }}.login.codes.generate_code", lambda length: next(codes))
    alice, bob = UserFactory(), UserFactory()
    alice_flow = request_code(login, alice.email)
    request_code(login, bob.email)
    assert emailed_code() == "222222"
    response = login.step(SCENARIO, {"flow": alice_flow, "code": "222222"})
    assert_error(response, 401, CODE_INVALID, attr="code")


def test_code_of_one_flow_does_not_complete_another_flow_of_the_same_user(login, monkeypatch):
    codes = iter(["111111", "222222"])
    monkeypatch.setattr("{{ cookiecutter.project_slug }}.login.codes.generate_code", lambda length: next(codes))
    user = UserFactory()
    first_flow = request_code(login, user.email)
    request_code(login, user.email)
    response = login.step(SCENARIO, {"flow": first_flow, "code": "222222"})
    assert_error(response, 401, CODE_INVALID, attr="code")


def test_completed_flow_cannot_be_replayed(login):
    user = UserFactory()
    flow = request_code(login, user.email)
    code = emailed_code()
    assert_complete(login.step(SCENARIO, {"flow": flow, "code": code}), user)
    assert_error(login.step(SCENARIO, {"flow": flow, "code": code}), 400, FLOW_EXPIRED, attr="flow")


def test_verify_step_without_flow_is_refused_with_flow_required(login):
    response = login.step(SCENARIO, {"code": "123456"})
    assert_error(response, 400, FLOW_REQUIRED, attr="flow")


def test_inactive_account_hears_account_inactive_only_after_the_right_code(login):
    user = UserFactory(is_active=False)
    flow = request_code(login, user.email)
    code = emailed_code()
    assert_error(login.step(SCENARIO, {"flow": flow, "code": other_code(code)}), 401, CODE_INVALID, attr="code")
    assert_error(login.step(SCENARIO, {"flow": flow, "code": code}), 403, ACCOUNT_INACTIVE)


def test_the_flow_token_carries_no_code_and_no_email(login):
    user = UserFactory()
    flow = request_code(login, user.email)
    payload = token_payload(flow)
    assert set(payload) == {"id", "scenario", "step"}
    assert emailed_code() not in flow
    assert user.email not in str(payload)


def test_the_cache_keeps_only_a_hash_of_the_code(login):
    user = UserFactory()
    flow_id = token_payload(request_code(login, user.email))["id"]
    code = emailed_code()
    state, code_hash = cache.get(FlowStore.state_key(flow_id)), cache.get(FlowStore.code_key(flow_id))
    assert state["step"] == "verify"
    assert code_hash
    assert code not in repr(state) + code_hash


def test_codes_never_appear_in_logs(login, caplog, monkeypatch):
    # A code chosen so that no timestamp, id or port number in a log record can contain it by chance.
    monkeypatch.setattr("{{ cookiecutter.project_slug }}.login.codes.generate_code", lambda length: "908172")
    caplog.set_level(logging.DEBUG)
    user = UserFactory()
    flow = request_code(login, user.email)
    code = emailed_code()
    login.step(SCENARIO, {"flow": flow, "code": other_code(code)})
    login.step(SCENARIO, {"flow": flow, "code": code})
    assert caplog.records, "the login should have logged something for this test to mean anything"
    for record in caplog.records:
        assert code not in record.getMessage(), record.getMessage()
        assert code not in repr(vars(record)), record


def test_a_code_hash_is_bound_to_its_flow():
    assert hash_code("123456", flow_id="first-flow") != hash_code("123456", flow_id="second-flow")


def test_the_code_email_goes_through_the_outbox_with_ids_and_never_the_code(login, monkeypatch):
    queued = []
    apply_async = tasks.deliver_outbox_email.apply_async

    def recording_apply_async(*args, **options):
        queued.append(options)
        return apply_async(*args, **options)

    monkeypatch.setattr(tasks.deliver_outbox_email, "apply_async", recording_apply_async)
    user = UserFactory()
    flow = request_code(login, user.email)
    (row,) = OutboxEmail.objects.all()
    assert (row.kind, row.user, row.payload) == (
        OutboxEmail.Kind.LOGIN_CODE,
        user,
        {"flow_id": token_payload(flow)["id"]},
    )
    assert row.status == OutboxEmail.Status.SENT
    (options,) = queued
    assert options["args"] == (row.pk,), "the task carries the row's id only"
    assert emailed_code() not in repr(options) + repr(row.payload)


def test_a_row_is_written_for_an_unknown_email_too_and_sends_nothing(login):
    request_code(login, "nobody@example.com")
    (row,) = OutboxEmail.objects.all()
    assert row.user is None, "asking must cost the same with or without an account"
    assert row.status == OutboxEmail.Status.DISCARDED


def test_request_step_answers_as_usual_when_the_broker_cannot_be_reached(login, monkeypatch):
    def unreachable_broker(*args, **options):
        raise kombu.exceptions.OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(tasks.deliver_outbox_email, "apply_async", unreachable_broker)
    user = UserFactory()
    assert_needs_step(login.step(SCENARIO, {"email": user.email}), "verify")
    (row,) = OutboxEmail.objects.all()
    assert row.status == OutboxEmail.Status.PENDING, "the drain sends it as soon as the broker is back"


def code_row(user) -> OutboxEmail:
    return outbox.add(OutboxEmail.Kind.LOGIN_CODE, user.pk, {"flow_id": "flow-id"})


def test_code_email_is_retried_when_the_mail_server_fails(mailoutbox, mail_server_fails_once):
    user = UserFactory()
    # As a worker runs it: a failure is retried, not raised.
    tasks.deliver_outbox_email.apply(args=(code_row(user).pk,), throw=False)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]


def test_a_retry_replaces_the_code_whose_email_may_not_have_left(mailoutbox, mail_server_fails_once, monkeypatch):
    codes = iter(["111111", "222222"])
    monkeypatch.setattr("{{ cookiecutter.project_slug }}.login.codes.generate_code", lambda length: next(codes))
    user = UserFactory()
    tasks.deliver_outbox_email.apply(args=(code_row(user).pk,), throw=False)
    assert emailed_code() == "222222"
    assert cache.get(FlowStore.code_key("flow-id")) == hash_code("222222", flow_id="flow-id")
