"""The same right answer posted twice at once completes one login and counts no failure.

A step is claimed before its answer is checked (login/flows.py, `claim_step`): the
request that comes second is refused as `flow_invalid` without its answer being
looked at. The race is made certain rather than likely: the second request loads the
flow, then waits in another thread while the first one completes the login and deletes
the flow (with its code); only then does it go on. Both run against the cache the test
settings use, in threads of their own, with the database in autocommit.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.authn.errors import FLOW_INVALID
{%- if cookiecutter.database == "postgresql" %}
from {{ cookiecutter.project_slug }}.login import lockout
{%- endif %}
from {{ cookiecutter.project_slug }}.login.flows import FlowStore
from {{ cookiecutter.project_slug }}.login.models import AccountLockout

from ..factories import DEFAULT_PASSWORD, UserFactory
from .helpers import (
    BUILTIN_SCENARIOS,
    LoginClient,
    assert_complete,
    assert_error,
    assert_needs_step,
    captured_signals,
    emailed_code,
    enable_scenarios,
    login_url,
    other_code,
)

pytestmark = pytest.mark.django_db(transaction=True)
# Long enough for a loaded machine, short enough that a broken race fails the test rather than hangs it.
WAIT_SECONDS = 10


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, *BUILTIN_SCENARIOS)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


def flow_waiting_for_the_code(login: LoginClient, scenario: str, user) -> str:
    """The flow token of `scenario` at its `verify` step for `user` (the code is in the last email)."""
    first = {"email": user.email}
    if scenario == "password-and-email-code":
        first["password"] = DEFAULT_PASSWORD
    return assert_needs_step(login.step(scenario, first), "verify")["flow"]


def post_twice_the_second_after_the_first_completed(monkeypatch, scenario: str, body: dict):
    """Post `body` twice: the second request loads the flow first and answers once the first is done."""
    second_loaded, first_done = threading.Event(), threading.Event()
    real_load = FlowStore.load
    answers = {}

    def load(store, token, *, scenario):
        flow = real_load(store, token, scenario=scenario)
        if threading.current_thread().name == "second":
            second_loaded.set()
            assert first_done.wait(WAIT_SECONDS), "the first request did not finish"
        return flow

    monkeypatch.setattr(FlowStore, "load", load)

    def post(name: str) -> None:
        try:
            answers[name] = APIClient().post(login_url(scenario), body, format="json")
        finally:
            connection.close()

    second = threading.Thread(target=post, args=("second",), name="second")
    second.start()
    assert second_loaded.wait(WAIT_SECONDS), "the second request did not load the flow"
    first = threading.Thread(target=post, args=("first",), name="first")
    first.start()
    first.join(WAIT_SECONDS)
    first_done.set()
    second.join(WAIT_SECONDS)
    return answers["first"], answers["second"]


@pytest.mark.parametrize("scenario", ["email-code", "password-and-email-code"])
def test_the_right_code_posted_twice_at_once_completes_one_login_and_counts_no_failure(login, monkeypatch, scenario):
    user = UserFactory()
    flow = flow_waiting_for_the_code(login, scenario, user)
    body = {"flow": flow, "code": emailed_code()}
    with captured_signals("login_succeeded", "login_attempt_failed") as sent:
        first, second = post_twice_the_second_after_the_first_completed(monkeypatch, scenario, body)
    assert_complete(first, user)
    assert_error(second, 400, FLOW_INVALID, "flow")
    assert [name for name, _arguments in sent] == ["login_succeeded"], f"one login and no failure, not {sent}"
    assert not AccountLockout.objects.exists(), "the refused twin counted a failure against the account"


def test_a_step_refused_for_a_wrong_answer_can_be_answered_again(login):
    user = UserFactory()
    flow = flow_waiting_for_the_code(login, "email-code", user)
    code = emailed_code()
    assert login.step("email-code", {"flow": flow, "code": other_code(code)}).status_code == 401
    assert_complete(login.step("email-code", {"flow": flow, "code": code}), user)
{%- if cookiecutter.database == "postgresql" %}


def test_parallel_wrong_passwords_for_one_account_are_each_counted(login, monkeypatch):
    # Each count is a read then a write of the account's row: without its row lock, parallel
    # failures would read the same count and all but one be lost.
    attempts = 8
    all_counting = threading.Barrier(attempts)
    real_count = lockout.count_account_failure

    def count_together(account_key, limit):
        all_counting.wait(WAIT_SECONDS)
        return real_count(account_key, limit)

    monkeypatch.setattr(lockout, "count_account_failure", count_together)
    user = UserFactory()
    answers = []

    def guess(number: int) -> None:
        try:
            body = {"email": user.email, "password": f"wrong guess {number}"}
            client = APIClient(REMOTE_ADDR=f"203.0.113.{number}")
            answers.append(client.post(login_url("password"), body, format="json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(number + 1,)) for number in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert [answer.status_code for answer in answers] == [401] * attempts
    assert AccountLockout.objects.get().failures == attempts, "parallel failures were lost"
{%- endif %}
