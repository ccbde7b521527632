"""Social login against a real OpenID Connect provider: node's oidc-provider on loopback.

A render with `use_social_login=y` is served by gunicorn with two providers in `OIDC_PROVIDERS`: `test`, the
oidc-provider of harness/openid_provider.py, and `down`, an issuer where nothing listens. A person signs in
at the provider's own login and consent pages (HTML forms posted over HTTP, as a browser would), and the
frontend's part is played by posting `code` and `state` to the `callback` step. Nothing of the protocol is
mocked: discovery, the authorization request with PKCE, the code exchange, the ID token and its keys are
the provider's.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from harness.deployment import Answer, Deployment, bearer, call, local_deployment, post, stop, wait_until_serving
from harness.openid_provider import Client, OpenIDProvider, openid_provider, sign_in
from harness.smtp_sink import free_loopback_port

pytestmark = pytest.mark.xdist_group("social-login")

# The frontend page the provider sends the browser back to; nothing needs to listen there.
REDIRECT_URI = "http://127.0.0.1:9/signed-in"
CLIENT = Client("gatehouse-tests", "the-test-client-secret-of-the-relying-party", [REDIRECT_URI])
PASSWORD = "sturdy lantern orchard"
# The package of the render (the default project name's).
PACKAGE = "gatehouse_api"


@dataclass
class Service:
    """The served render and the provider it trusts."""

    url: str
    deployment: Deployment
    provider: OpenIDProvider


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[Service]:
    with openid_provider([CLIENT], tmp_path_factory.mktemp("openid-provider")) as provider:
        providers = {
            "test": {
                "name": "Test provider",
                "issuer": provider.issuer,
                "client_id": CLIENT.client_id,
                "client_secret": CLIENT.client_secret,
            },
            # The same provider as plain OAuth 2.0: its endpoints given, the person read from its userinfo endpoint.
            "userinfo": {
                "name": "Test provider, OAuth 2.0 only",
                "adapter": f"{PACKAGE}.social.adapters.OAuth2UserinfoAdapter",
                "authorization_endpoint": f"{provider.issuer}/auth",
                "token_endpoint": f"{provider.issuer}/token",
                "userinfo_endpoint": f"{provider.issuer}/me",
                "client_id": CLIENT.client_id,
                "client_secret": CLIENT.client_secret,
            },
            "down": {
                "name": "Unreachable provider",
                "issuer": f"http://127.0.0.1:{free_loopback_port()}",
                "client_id": "nobody",
                "client_secret": "nothing",
            },
        }
        with local_deployment(
            tmp_path_factory,
            cookiecutter_config,
            "social-login",
            redis_urls=(),
            answers={"use_social_login": "y"},
            OIDC_PROVIDERS=json.dumps(providers),
            OIDC_ALLOWED_REDIRECT_URIS=REDIRECT_URI,
        ) as deployment:
            port = free_loopback_port()
            command = [
                deployment.bin / "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ]
            process: subprocess.Popen = deployment.start("gunicorn", command)
            url = f"http://127.0.0.1:{port}"
            try:
                wait_until_serving(url, process, deployment, "gunicorn")
                yield Service(url, deployment, provider)
            finally:
                stop(process)


def start(service: Service, provider: str = "test", redirect_uri: str = REDIRECT_URI) -> Answer:
    return post(service.url, f"/api/auth/login/oidc-{provider}/", {"redirect_uri": redirect_uri})


def callback(service: Service, flow: str, code: str, state: str, provider: str = "test") -> Answer:
    return post(service.url, f"/api/auth/login/oidc-{provider}/", {"flow": flow, "code": code, "state": state})


def error_code(answer: Answer) -> str:
    assert answer.body and "errors" in answer.body, answer
    return answer.body["errors"][0]["code"]


def signed_in_at_provider(service: Service, login: str, provider: str = "test") -> tuple[str, dict[str, str]]:
    """Start a flow and sign in at the provider as `login`: the flow token and the redirect's query."""
    started = start(service, provider)
    assert started.status == 200, (started, service.deployment.log("gunicorn"))
    query = sign_in(started.body["authorization_url"], login, REDIRECT_URI)
    return started.body["flow"], query


def social_login(service: Service, login: str, provider: str = "test") -> Answer:
    """A whole sign-in as `login`: the `start` step, the provider's pages, the `callback` step."""
    flow, query = signed_in_at_provider(service, login, provider)
    return callback(service, flow, query["code"], query["state"], provider)


def create_user(service: Service, email: str) -> str:
    """An account with a password, made by staff; its id."""
    return service.deployment.shell(
        "from django.contrib.auth import get_user_model; "
        f"print(get_user_model().objects.create_user({email!r}, {PASSWORD!r}).pk)"
    )


def identities(service: Service, access: str) -> list[dict[str, Any]]:
    answer = call(service.url, "GET", "/api/auth/identities/", headers=bearer(access))
    assert answer.status == 200, answer
    return answer.body["identities"]


def test_options_lists_one_scenario_per_provider(service: Service):
    answer = call(service.url, "GET", "/api/auth/options/")
    scenarios = {scenario["key"]: scenario for scenario in answer.body["scenarios"]}
    assert scenarios["oidc-test"]["name"] == "Test provider"
    assert [step["key"] for step in scenarios["oidc-test"]["steps"]] == ["start", "callback"]
    assert "oidc-down" in scenarios


def test_start_answers_with_an_authorization_url_of_the_code_flow_with_pkce(service: Service):
    answer = start(service)
    assert answer.status == 200, answer
    assert (answer.body["status"], answer.body["next_step"]) == ("needs_step", "callback")
    url = urlsplit(answer.body["authorization_url"])
    assert f"{url.scheme}://{url.netloc}" == service.provider.issuer
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT.client_id
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 43 and len(query["nonce"]) >= 43, "state and nonce carry 256 bits"
    assert "openid" in query["scope"].split()


def test_a_redirect_uri_that_is_not_allowed_is_refused(service: Service):
    answer = start(service, redirect_uri="https://attacker.example/steal")
    assert (answer.status, error_code(answer)) == (400, "redirect_uri_not_allowed")


def test_a_first_sign_in_makes_an_account_and_a_second_one_signs_in_to_it(service: Service):
    first = social_login(service, "alice@example.com")
    assert first.status == 200, (first, service.deployment.log("gunicorn"))
    assert first.body["status"] == "complete"
    assert first.body["user"]["email"] == "alice@example.com"
    assert first.body["user"]["first_name"] == "alice", "the provider's given_name fills the new account's"
    me = call(service.url, "GET", "/api/auth/me/", headers=bearer(first.body["access"]))
    assert me.body["id"] == first.body["user"]["id"]
    (identity,) = identities(service, first.body["access"])
    assert (identity["provider"], identity["subject"], identity["email"]) == ("test", "alice@example.com", "alice@example.com")
    has_password = service.deployment.shell(
        "from django.contrib.auth import get_user_model; "
        "print(get_user_model().objects.get(email='alice@example.com').has_usable_password())"
    )
    assert has_password == "False", "an account made by a provider has no password"

    second = social_login(service, "alice@example.com")
    assert second.status == 200, second
    assert second.body["user"]["id"] == first.body["user"]["id"], "the same subject signs in to the same account"
    assert len(identities(service, second.body["access"])) == 1


def test_the_subject_finds_the_account_even_after_its_email_changed(service: Service):
    first = social_login(service, "erin@example.com")
    assert first.status == 200, first
    service.deployment.shell(
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.filter(email='erin@example.com').update(email='erin.new@example.com'); print('ok')"
    )
    again = social_login(service, "erin@example.com")
    assert again.status == 200, again
    assert again.body["user"]["id"] == first.body["user"]["id"]
    assert again.body["user"]["email"] == "erin.new@example.com"


def test_a_verified_email_signs_in_to_the_account_that_has_it_and_links_the_identity(service: Service):
    user_id = create_user(service, "carol@example.com")
    answer = social_login(service, "carol@example.com")
    assert answer.status == 200, answer
    assert answer.body["user"]["id"] == user_id
    (identity,) = identities(service, answer.body["access"])
    assert identity["provider"] == "test"
    events = service.deployment.shell(
        f"from {PACKAGE}.audit.models import AuthEvent; "
        f"print(list(AuthEvent.objects.filter(user_id={user_id!r}, kind='identity_linked').values_list('extra', flat=True)))"
    )
    assert "'linked_by': 'email'" in events, events


def test_an_unverified_email_of_an_existing_account_is_refused(service: Service):
    create_user(service, "dave@example.com")
    answer = social_login(service, "unverified:dave@example.com")
    assert (answer.status, error_code(answer)) == (409, "email_already_registered")


def test_an_unverified_email_makes_no_account(service: Service):
    answer = social_login(service, "unverified:frank@example.com")
    assert (answer.status, error_code(answer)) == (400, "provider_email_missing")
    count = service.deployment.shell(
        "from django.contrib.auth import get_user_model; "
        "print(get_user_model().objects.filter(email='frank@example.com').count())"
    )
    assert count == "0"


def test_a_wrong_state_is_refused_and_the_flow_can_still_be_finished(service: Service):
    flow, query = signed_in_at_provider(service, "grace@example.com")
    wrong = callback(service, flow, query["code"], "a-state-this-flow-never-sent")
    assert (wrong.status, error_code(wrong)) == (400, "oidc_state_invalid")
    right = callback(service, flow, query["code"], query["state"])
    assert right.status == 200, right


def test_a_replayed_code_is_refused(service: Service):
    flow, query = signed_in_at_provider(service, "heidi@example.com")
    assert callback(service, flow, query["code"], query["state"]).status == 200

    same_flow = callback(service, flow, query["code"], query["state"])
    assert (same_flow.status, error_code(same_flow)) == (400, "flow_expired")
    # In a new flow of its own (the state it sends is that flow's), the used code is the provider's to refuse.
    other = start(service)
    other_state = parse_qs(urlsplit(other.body["authorization_url"]).query)["state"][0]
    replayed = callback(service, other.body["flow"], query["code"], other_state)
    assert (replayed.status, error_code(replayed)) == (400, "oidc_code_invalid")


def test_unlinking_the_only_way_in_is_refused_and_another_is_allowed(service: Service):
    login = social_login(service, "ivan@example.com")
    (identity,) = identities(service, login.body["access"])
    refused = call(
        service.url, "DELETE", f"/api/auth/identities/{identity['id']}/", headers=bearer(login.body["access"])
    )
    assert (refused.status, error_code(refused)) == (409, "last_login_method")

    service.deployment.shell(
        "from django.contrib.auth import get_user_model; "
        "u = get_user_model().objects.get(email='ivan@example.com'); "
        f"u.set_password({PASSWORD!r}); u.save(); print('ok')"
    )
    unlinked = call(
        service.url, "DELETE", f"/api/auth/identities/{identity['id']}/", headers=bearer(login.body["access"])
    )
    assert unlinked.status == 204, unlinked
    assert identities(service, login.body["access"]) == []


def test_an_oauth_only_provider_signs_in_by_its_userinfo_endpoint(service: Service):
    answer = social_login(service, "kim@example.com", provider="userinfo")
    assert answer.status == 200, (answer, service.deployment.log("gunicorn"))
    assert answer.body["user"]["email"] == "kim@example.com"
    (identity,) = identities(service, answer.body["access"])
    assert (identity["provider"], identity["subject"]) == ("userinfo", "kim@example.com")


def test_an_unreachable_provider_answers_503(service: Service):
    answer = start(service, provider="down")
    assert (answer.status, error_code(answer)) == (503, "provider_unavailable")


def test_a_provider_that_goes_down_during_a_sign_in_answers_503(service: Service):
    # Last in this module: the provider stays down.
    flow, query = signed_in_at_provider(service, "judy@example.com")
    service.provider.stop()
    answer = callback(service, flow, query["code"], query["state"])
    assert (answer.status, error_code(answer)) == (503, "provider_unavailable")
