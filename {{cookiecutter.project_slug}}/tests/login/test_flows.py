"""Flows: the state between two steps lives in the cache; the client holds a signed token naming it.

A step cannot be skipped, replayed, or carried into another flow or scenario; the
token carries no secret; the cache TTL, the flow's deadline and the signature's age
each end a flow; a finished flow's state is gone. The engine is exercised here through
a three-step scenario of this module, so that every rule shows between two later steps.
"""

import base64
import json

import jwt
import pytest
from django.core import signing
from django.core.cache import cache

from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.authn.errors import (
    FLOW_EXPIRED,
    FLOW_INVALID,
    FactorRejected,
    FlowInvalid,
    TooManyAttempts,
)
from {{ cookiecutter.project_slug }}.login.flows import FLOW_SALT, MAX_TOKEN_LENGTH, FlowStore
from {{ cookiecutter.project_slug }}.login.scenarios import CredentialsStep, EmailCodeScenario, Scenario, Step
from {{ cookiecutter.project_slug }}.login.scenarios.schemas import object_schema, with_flow

from ..factories import DEFAULT_PASSWORD, UserFactory
from .helpers import (
    LoginClient,
    advance_clock,
    assert_complete,
    assert_error,
    assert_needs_step,
    enable_scenarios,
    token_payload,
)

pytestmark = pytest.mark.django_db

SCENARIO = "three-steps"
FLOW_TTL_SECONDS = int(gatehouse_settings.FLOW_TTL.total_seconds())


class WordInvalid(FactorRejected):
    default_code = "word_invalid"
    default_detail = "That is not the word."
    attr = "word"


class WordStep(Step):
    """A step whose right answer is a fixed word."""

    def __init__(self, key: str, word: str) -> None:
        self.key = key
        self.word = word

    def get_schema(self) -> dict:
        return object_schema({"word": {"type": "string", "maxLength": 20}})

    def handle(self, context, data) -> None:
        if data["word"] != self.word:
            raise WordInvalid()


class ThreeStepScenario(Scenario):
    """Credentials, then the word "alpha", then the word "beta"."""

    key = SCENARIO
    name = "Three steps"
    steps = (CredentialsStep(), WordStep("second", "alpha"), WordStep("third", "beta"))


@pytest.fixture
def login(api_client, django_capture_on_commit_callbacks, settings) -> LoginClient:
    enable_scenarios(settings, ThreeStepScenario, EmailCodeScenario)
    return LoginClient(api_client, django_capture_on_commit_callbacks)


@pytest.fixture
def user():
    return UserFactory()


def start(login, user) -> str:
    """Pass the credentials step; returns the token of a flow that waits for `second`."""
    response = login.step(SCENARIO, {"email": user.email, "password": DEFAULT_PASSWORD})
    return assert_needs_step(response, "second")["flow"]


def flip(token: str, position: int) -> str:
    """`token` with the character at `position` changed."""
    character = "A" if token[position] != "A" else "B"
    return token[:position] + character + token[position + 1 :]


def test_steps_run_in_order_to_completion(login, user):
    flow = start(login, user)
    flow = assert_needs_step(login.step(SCENARIO, {"flow": flow, "word": "alpha"}), "third")["flow"]
    assert_complete(login.step(SCENARIO, {"flow": flow, "word": "beta"}), user)


def test_each_answer_asks_for_the_next_step_with_its_schema(login, user):
    flow = start(login, user)
    body = assert_needs_step(login.step(SCENARIO, {"flow": flow, "word": "alpha"}), "third")
    assert body["schema"] == with_flow(WordStep("third", "beta").get_schema())


def test_a_flow_only_accepts_the_step_it_waits_for(login, user):
    flow = start(login, user)
    # The third step's answer, sent while the flow waits for the second: it is checked as the second's.
    assert_error(login.step(SCENARIO, {"flow": flow, "word": "beta"}), 401, "word_invalid", attr="word")
    assert_needs_step(login.step(SCENARIO, {"flow": flow, "word": "alpha"}), "third")


def test_the_token_of_a_step_already_answered_is_refused(login, user):
    first = start(login, user)
    login.step(SCENARIO, {"flow": first, "word": "alpha"})
    assert_error(login.step(SCENARIO, {"flow": first, "word": "alpha"}), 400, FLOW_INVALID, attr="flow")


def test_each_step_answers_with_a_new_token(login, user):
    first = start(login, user)
    second = login.step(SCENARIO, {"flow": first, "word": "alpha"}).json()["flow"]
    assert second != first
    assert token_payload(second)["id"] == token_payload(first)["id"]


def test_a_completed_flow_is_deleted_so_its_last_token_is_refused(login, user):
    flow = start(login, user)
    last = login.step(SCENARIO, {"flow": flow, "word": "alpha"}).json()["flow"]
    login.step(SCENARIO, {"flow": last, "word": "beta"})
    assert cache.get(FlowStore.state_key(token_payload(last)["id"])) is None
    assert_error(login.step(SCENARIO, {"flow": last, "word": "beta"}), 400, FLOW_EXPIRED, attr="flow")


def test_a_flow_of_another_scenario_is_refused(login, user):
    flow = assert_needs_step(login.step("email-code", {"email": user.email}), "verify")["flow"]
    assert_error(login.step(SCENARIO, {"flow": flow, "word": "alpha"}), 400, FLOW_INVALID, attr="flow")


def test_the_token_names_only_the_flow_id_the_scenario_and_the_step(login, user):
    flow = start(login, user)
    payload = token_payload(flow)
    assert set(payload) == {"id", "scenario", "step"}
    assert (payload["scenario"], payload["step"]) == (SCENARIO, "second")
    assert user.email not in flow
    assert str(user.pk) not in flow


def test_the_flow_id_is_random_and_at_least_128_bits(login, user):
    ids = {token_payload(start(login, user))["id"] for _ in range(3)}
    assert len(ids) == 3
    assert all(len(base64.urlsafe_b64decode(flow_id + "==")) * 8 >= 128 for flow_id in ids)


def test_the_token_is_shorter_than_1_kb(login, user):
    assert len(start(login, user)) < 1024


@pytest.mark.parametrize("part", ["payload", "timestamp", "signature"])
def test_a_token_changed_in_any_part_is_refused(login, user, part):
    flow = start(login, user)
    payload, timestamp, _signature = flow.split(":")
    position = {"payload": 2, "timestamp": len(payload) + 2, "signature": len(payload) + len(timestamp) + 3}[part]
    response = login.step(SCENARIO, {"flow": flip(flow, position), "word": "alpha"})
    assert_error(response, 400, FLOW_INVALID, attr="flow")


@pytest.mark.parametrize("length", [1, 20, -1, -10])
def test_a_truncated_token_is_refused(login, user, length):
    flow = start(login, user)
    assert_error(login.step(SCENARIO, {"flow": flow[:length], "word": "alpha"}), 400, FLOW_INVALID, attr="flow")


def test_a_token_with_added_base64_padding_is_refused(login, user):
    payload, rest = start(login, user).split(":", 1)
    assert_error(
        login.step(SCENARIO, {"flow": f"{payload}==:{rest}", "word": "alpha"}), 400, FLOW_INVALID, attr="flow"
    )


def test_the_payload_of_one_flow_on_the_signature_of_another_is_refused(login, user):
    first, second = start(login, user), start(login, user)
    spliced = first.split(":", 1)[0] + ":" + second.split(":", 1)[1]
    assert_error(login.step(SCENARIO, {"flow": spliced, "word": "alpha"}), 400, FLOW_INVALID, attr="flow")


def test_a_value_signed_for_another_purpose_is_refused(login, user):
    payload = token_payload(start(login, user))
    activation_like = signing.dumps(payload, salt="{{ cookiecutter.project_slug }}.accounts.activation")
    assert_error(login.step(SCENARIO, {"flow": activation_like, "word": "alpha"}), 400, FLOW_INVALID, attr="flow")


def test_a_signed_cookie_value_is_refused(login, user):
    cookie = signing.get_cookie_signer(salt="flow").sign(json.dumps(token_payload(start(login, user))))
    assert_error(login.step(SCENARIO, {"flow": cookie, "word": "alpha"}), 400, FLOW_INVALID, attr="flow")


def test_a_jwt_is_refused(login, user, settings):
    start(login, user)
    token = jwt.encode({"user_id": str(user.pk), "token_type": "access"}, settings.SECRET_KEY, algorithm="HS256")
    assert_error(login.step(SCENARIO, {"flow": token, "word": "alpha"}), 400, FLOW_INVALID, attr="flow")


def test_a_compressed_payload_with_a_forged_signature_is_refused(login, user):
    payload, timestamp, _ = start(login, user).split(":")
    forged = f".{payload}:{timestamp}:{'A' * 43}"
    assert_error(login.step(SCENARIO, {"flow": forged, "word": "alpha"}), 400, FLOW_INVALID, attr="flow")


@pytest.mark.parametrize("value", ["", "x" * (MAX_TOKEN_LENGTH + 1), "flöw:ä:ö", 123, True, [], {}, ["a:b:c"]])
def test_a_flow_that_is_not_a_short_ascii_string_is_refused(login, user, value):
    start(login, user)
    assert_error(login.step(SCENARIO, {"flow": value, "word": "alpha"}), 400, FLOW_INVALID, attr="flow")


@pytest.mark.parametrize(
    "payload", [["id", "scenario", "step"], {"id": "x"}, {"id": 1, "scenario": SCENARIO, "step": "second"}]
)
def test_a_correctly_signed_token_of_the_wrong_shape_is_refused(login, user, payload):
    start(login, user)
    token = signing.dumps(payload, salt=FLOW_SALT)
    assert_error(login.step(SCENARIO, {"flow": token, "word": "alpha"}), 400, FLOW_INVALID, attr="flow")


def test_a_flow_expires_with_its_cache_entry_though_its_signature_is_still_valid(login, user, monkeypatch):
    flow = start(login, user)
    advance_clock(monkeypatch, "django.core.cache.backends.locmem", FLOW_TTL_SECONDS + 1)
    assert_error(login.step(SCENARIO, {"flow": flow, "word": "alpha"}), 400, FLOW_EXPIRED, attr="flow")


def test_a_flow_expires_with_its_signature_though_its_cache_entry_is_still_there(login, user, monkeypatch):
    flow = start(login, user)
    advance_clock(monkeypatch, "django.core.signing", FLOW_TTL_SECONDS + 1)
    assert cache.get(FlowStore.state_key(token_payload(flow)["id"])) is not None
    assert_error(login.step(SCENARIO, {"flow": flow, "word": "alpha"}), 400, FLOW_EXPIRED, attr="flow")


def test_a_flow_expires_at_its_deadline_whatever_the_cache_and_signature_say(login, user, monkeypatch):
    flow = start(login, user)
    advance_clock(monkeypatch, "{{ cookiecutter.project_slug }}.login.flows", FLOW_TTL_SECONDS + 1)
    assert_error(login.step(SCENARIO, {"flow": flow, "word": "alpha"}), 400, FLOW_EXPIRED, attr="flow")


def test_a_flow_lives_flow_ttl_from_its_start_not_from_its_last_step(login, user, monkeypatch):
    response = login.step(SCENARIO, {"email": user.email, "password": DEFAULT_PASSWORD})
    body = assert_needs_step(response, "second")
    assert FLOW_TTL_SECONDS - 2 <= body["expires_in"] <= FLOW_TTL_SECONDS, body["expires_in"]
    advance_clock(monkeypatch, "{{ cookiecutter.project_slug }}.login.flows", 100)
    body = assert_needs_step(login.step(SCENARIO, {"flow": body["flow"], "word": "alpha"}), "third")
    assert FLOW_TTL_SECONDS - 102 <= body["expires_in"] <= FLOW_TTL_SECONDS - 100, body["expires_in"]


def test_a_flow_whose_state_was_evicted_is_expired(login, user):
    flow = start(login, user)
    cache.clear()
    assert_error(login.step(SCENARIO, {"flow": flow, "word": "alpha"}), 400, FLOW_EXPIRED, attr="flow")


def test_wrong_answers_on_later_steps_count_across_the_flow(login, user):
    flow = start(login, user)
    limit = gatehouse_settings.FLOW_MAX_FAILED_ATTEMPTS
    for _ in range(limit - 1):
        login.step(SCENARIO, {"flow": flow, "word": "wrong"})
    flow = login.step(SCENARIO, {"flow": flow, "word": "alpha"}).json()["flow"]
    assert_error(login.step(SCENARIO, {"flow": flow, "word": "wrong"}), 400, "too_many_attempts", attr="flow")


def test_concurrent_answers_complete_a_step_only_once():
    store = FlowStore()
    flow = store.start(scenario=SCENARIO, step="second")
    token = store.save(flow)
    first, second = store.load(token, scenario=SCENARIO), store.load(token, scenario=SCENARIO)
    store.claim_step(first)
    with pytest.raises(FlowInvalid):
        store.claim_step(second)


def test_concurrent_answers_past_the_limit_are_refused_unchecked():
    store = FlowStore()
    flow = store.start(scenario=SCENARIO, step="second")
    store.save(flow)
    limit = gatehouse_settings.FLOW_MAX_FAILED_ATTEMPTS
    # Answers in flight together each take a number before any is checked.
    assert [store.reserve_attempt(flow) for _ in range(limit)] == list(range(1, limit + 1))
    with pytest.raises(TooManyAttempts):
        store.reserve_attempt(flow)
    assert cache.get(FlowStore.state_key(flow.id)) is None


def test_a_flow_belongs_to_the_one_identity_it_was_bound_to():
    flow = FlowStore().start(scenario=SCENARIO, step="second")
    flow.bind(email="alice@example.com", user_id="1")
    with pytest.raises(FlowInvalid):
        flow.bind(email="bob@example.com", user_id="2")
