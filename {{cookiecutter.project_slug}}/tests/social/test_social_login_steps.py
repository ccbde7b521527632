"""The `oidc-<key>` scenarios without a provider: what `start` refuses and answers, and the `callback` state.

The provider's side of a sign-in (the code exchange, the ID token) is tested against a real OpenID
provider by the template's tests; here the provider's endpoints are on a loopback port nothing
listens on, which is also how an unreachable provider looks.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import REDIRECT_URI

pytestmark = pytest.mark.django_db

OPTIONS_URL = "/api/auth/options/"


def login_url(provider: str) -> str:
    return f"/api/auth/login/oidc-{provider}/"


def codes(response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


@pytest.mark.usefixtures("providers")
def test_options_lists_one_scenario_per_provider_after_the_configured_ones(client):
    scenarios = client.get(OPTIONS_URL).json()["scenarios"]
    assert [scenario["key"] for scenario in scenarios] == ["password", "oidc-example", "oidc-oidc"]
    example = scenarios[1]
    assert example["name"] == "Example"
    assert [step["key"] for step in example["steps"]] == ["start", "callback"]
    assert set(example["steps"][1]["schema"]["properties"]) == {"code", "state", "flow"}


def test_no_provider_no_scenario(client, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "OIDC_PROVIDERS": {}}
    keys = [scenario["key"] for scenario in client.get(OPTIONS_URL).json()["scenarios"]]
    assert not [key for key in keys if key.startswith("oidc-")]


@pytest.mark.usefixtures("providers")
def test_start_answers_with_the_authorization_url_of_a_code_flow_with_pkce_state_and_nonce(client):
    response = client.post(login_url("example"), {"redirect_uri": REDIRECT_URI})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["next_step"]) == ("needs_step", "callback")
    url = urlsplit(body["authorization_url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://id.example.com/authorize"
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43, "a SHA-256 digest, base64url without padding"
    assert {"state", "nonce", "client_id", "scope"} <= set(query)


@pytest.mark.usefixtures("providers")
def test_each_flow_has_its_own_state_and_nonce(client):
    queries = [
        parse_qs(
            urlsplit(
                client.post(login_url("example"), {"redirect_uri": REDIRECT_URI}).json()["authorization_url"]
            ).query
        )
        for _ in range(2)
    ]
    assert queries[0]["state"] != queries[1]["state"]
    assert queries[0]["nonce"] != queries[1]["nonce"]
    assert queries[0]["code_challenge"] != queries[1]["code_challenge"]


@pytest.mark.usefixtures("providers")
@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://attacker.example/signed-in",
        f"{REDIRECT_URI}/",
        f"{REDIRECT_URI}?next=https://attacker.example",
        REDIRECT_URI.upper(),
    ],
)
def test_a_redirect_uri_that_is_not_exactly_an_allowed_one_is_refused(client, redirect_uri):
    response = client.post(login_url("example"), {"redirect_uri": redirect_uri})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "redirect_uri_not_allowed",
        "detail": "This redirect URI is not allowed.",
        "attr": "redirect_uri",
    }


@pytest.mark.usefixtures("providers")
def test_an_unreachable_provider_answers_503_at_start(client):
    # A 503 is reported as a server error (logged, and sent to Sentry), which the test client would raise.
    client.client.raise_request_exception = False
    response = client.post(login_url("oidc"), {"redirect_uri": REDIRECT_URI})
    assert response.status_code == 503
    assert codes(response) == ["provider_unavailable"]


@pytest.mark.usefixtures("providers")
def test_a_wrong_state_is_refused_before_the_provider_is_asked(client):
    flow = client.post(login_url("example"), {"redirect_uri": REDIRECT_URI}).json()["flow"]
    response = client.post(login_url("example"), {"flow": flow, "code": "a-code", "state": "not-this-flow-s"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "oidc_state_invalid"
    assert response.json()["errors"][0]["attr"] == "state"


@pytest.mark.usefixtures("providers")
def test_the_right_state_goes_to_the_provider_which_is_unreachable(client):
    body = client.post(login_url("example"), {"redirect_uri": REDIRECT_URI}).json()
    state = parse_qs(urlsplit(body["authorization_url"]).query)["state"][0]
    client.client.raise_request_exception = False
    response = client.post(login_url("example"), {"flow": body["flow"], "code": "a-code", "state": state})
    assert response.status_code == 503
    assert codes(response) == ["provider_unavailable"]


@pytest.mark.usefixtures("providers")
def test_a_callback_without_its_flow_is_refused(client):
    response = client.post(login_url("example"), {"code": "a-code", "state": "a-state"})
    assert response.status_code == 400
    assert codes(response) == ["flow_required"]


@pytest.mark.usefixtures("providers")
def test_the_flow_of_one_provider_is_refused_by_another(client):
    flow = client.post(login_url("example"), {"redirect_uri": REDIRECT_URI}).json()["flow"]
    response = client.post(login_url("oidc"), {"flow": flow, "code": "a-code", "state": "a-state"})
    assert response.status_code == 400
    assert codes(response) == ["flow_invalid"]


@pytest.mark.usefixtures("providers")
def test_a_start_body_with_other_fields_is_refused(client):
    response = client.post(login_url("example"), {"redirect_uri": REDIRECT_URI, "prompt": "none"})
    assert response.status_code == 400
    assert codes(response) == ["unexpected_field"]
