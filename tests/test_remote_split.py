"""One auth service and one client service, each under gunicorn on loopback, talking over HTTP.

The client verifies the auth service's tokens locally against its JWKS: after the first
fetch, requests to the client cost the auth service nothing (counted in the auth
service's gunicorn access log). The scenario walks what DESIGN.md section 4 "Remote
split" promises: login through the client's proxy, the local user copy and its update,
a key rotation with no refused request, and an auth service that is down (503 from the
proxy, while tokens already issued keep working). A second scenario walks a browser's
whole account journey through the client's origin only: registration and activation by
the emailed link, login, a name change that `me/` shows at once and after a refresh, a
password change, a reset, and logging out everywhere.

Both renders sign with EdDSA and share JWT_ISSUER and JWT_AUDIENCE, as a deployment of
one auth service and its clients does, and let each client choose its token transport
(token_transport=both): the scenarios above take their tokens in bodies, and a third
one is a browser that keeps them in cookies, with the CSRF token, through the proxy.
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from harness.deployment import (
    NO_PROXY_OPENER,
    REQUEST_TIMEOUT_SECONDS,
    Answer,
    Deployment,
    bearer,
    call,
    link_query,
    stop,
    wait_until_serving,
)
from harness.processes import clean_environment
from harness.rendering import render
from harness.smtp_sink import SmtpSink, free_loopback_port
from harness.venvs import virtualenv_for

# Both services, their processes and their logs belong to one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("remote-split")

ISSUER = "https://auth.remote-split.test"
AUDIENCE = "https://api.remote-split.test"
EMAIL = "grace@example.com"
COOKIE_EMAIL = "dorothy@example.com"
PASSWORD = "sturdy lantern orchard"
NEW_PASSWORD = "brand new sturdy lantern"
JWKS_PATH = "/.well-known/jwks.json"
# The answers both renders share.
BOTH_SERVICES = {"signing_algorithm": "EdDSA", "token_transport": "both"}
# With token_transport=both, a login answers with cookies unless asked for the tokens in the body.
BODY_TOKENS = {"Prefer": "token-transport=body"}
ME_PATH = "/api/auth/me/"
# The client's settings for this test: local settings, with a JWKS refetch interval short
# enough that the rotation below does not have to wait the default 30 seconds.
CLIENT_TEST_SETTINGS = '''"""Local settings, refetching the JWKS at most once a second (tests/test_remote_split.py)."""

from datetime import timedelta

from .local import *  # noqa: F403
from .local import GATEHOUSE

GATEHOUSE["JWKS_REFETCH_INTERVAL"] = timedelta(seconds=1)
'''


class Service:
    """A rendered project served by gunicorn on a free loopback port, restartable with other variables."""

    def __init__(self, deployment: Deployment, name: str) -> None:
        self.deployment = deployment
        self.name = name
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = deployment.logs / f"{name}-access.log"
        self.process: subprocess.Popen | None = None
        self.overrides: dict[str, str] = {}

    def start(self, **overrides: str) -> None:
        command = [
            self.deployment.bin / "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "2",
            "--access-logfile",
            self.access_log,
        ]
        self.overrides = overrides
        self.process = self.deployment.start(self.name, command, **overrides)
        wait_until_serving(self.url, self.process, self.deployment, self.name)

    def ensure_serving(self) -> None:
        """Start the service again, as it last ran, if a scenario left it stopped."""
        if self.process is None:
            self.start(**self.overrides)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def jwks_requests(self) -> int:
        """How many times anybody has fetched this service's JWKS, over all its starts."""
        if not self.access_log.exists():
            return 0
        return sum(1 for line in self.access_log.read_text().splitlines() if f"GET {JWKS_PATH}" in line)


def deployment_of(
    answers: dict[str, str], tmp_path_factory: pytest.TempPathFactory, config: Path, sink: SmtpSink, name: str
) -> Deployment:
    """Render `answers`, install its venv, and migrate its SQLite database."""
    path = render(answers, tmp_path_factory.mktemp(name), config)
    environment = clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{path / 'db.sqlite3'}",
        JWT_ISSUER=ISSUER,
        JWT_AUDIENCE=AUDIENCE,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        EMAIL_USE_TLS="false",
    )
    deployment = Deployment(path, virtualenv_for(path), environment, sink, tmp_path_factory.mktemp(f"{name}-logs"))
    deployment.manage("migrate", "--noinput")
    return deployment


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[tuple[Service, Service]]:
    """(auth service, client service), both serving; the client's AUTH_SERVICE_URL is the auth service."""
    with SmtpSink() as sink:
        auth_deployment = deployment_of(
            # With social login, so that the client's proxied `identities/` has the auth service's to compare with.
            {**BOTH_SERVICES, "auth_role": "auth_service", "project_slug": "auth_svc", "use_social_login": "y"},
            tmp_path_factory,
            cookiecutter_config,
            sink,
            "auth-service",
        )
        client_deployment = deployment_of(
            {**BOTH_SERVICES, "auth_role": "client_service", "project_slug": "client_svc"},
            tmp_path_factory,
            cookiecutter_config,
            sink,
            "client-service",
        )
        (client_deployment.path / "config" / "settings" / "remote_split_test.py").write_text(CLIENT_TEST_SETTINGS)
        auth = Service(auth_deployment, "auth-service")
        client = Service(client_deployment, "client-service")
        client.deployment.environment.update(
            AUTH_SERVICE_URL=auth.url, DJANGO_SETTINGS_MODULE="config.settings.remote_split_test"
        )
        # The browser sees the client's origin only: the emailed links lead there, and the auth
        # service's CSRF check trusts pages of that origin (the proxy passes their Origin on).
        auth.deployment.environment.update(FRONTEND_URL=client.url, DJANGO_CSRF_TRUSTED_ORIGINS=client.url)
        for email in (EMAIL, COOKIE_EMAIL):
            auth_deployment.shell(
                "from django.contrib.auth import get_user_model; "
                f"print(get_user_model().objects.create_user({email!r}, {PASSWORD!r}).pk)"
            )
        auth.start()
        client.start()
        try:
            yield auth, client
        finally:
            client.stop()
            auth.stop()


def log_in_through(client: Service, email: str = EMAIL, password: str = PASSWORD) -> Answer:
    """A password login through the client, its tokens in the answer's body."""
    body = {"email": email, "password": password}
    return call(client.url, "POST", "/api/auth/login/password/", body, headers=BODY_TOKENS)


def me(client: Service, token: str) -> Answer:
    return call(client.url, "GET", ME_PATH, headers=bearer(token))


def env_value(output: str, variable: str) -> str:
    """The value `manage.py jwt_keys generate` printed for `variable`, newlines restored."""
    return re.search(rf'^{variable}="(.+)"$', output, re.MULTILINE).group(1).replace("\\n", "\n")


def test_two_services_share_users_tokens_and_key_rotations(services: tuple[Service, Service]):
    auth, client = services

    # Login goes through the client's proxy: the browser sees one origin.
    login = log_in_through(client)
    assert login.status == 200, (login.body, auth.deployment.log(auth.name), client.deployment.log(client.name))
    assert login.body["status"] == "complete"
    access, refresh = login.body["access"], login.body["refresh"]

    # The client verifies locally: one JWKS fetch (none if another scenario made it), then nothing per request.
    fetches_before = auth.jwks_requests()
    answer = me(client, access)
    assert answer.status == 200, (answer.body, client.deployment.log(client.name))
    fetches_after_first = auth.jwks_requests()
    assert fetches_after_first <= fetches_before + 1
    for _ in range(5):
        answer = me(client, access)
        assert answer.status == 200, (answer.body, client.deployment.log(client.name))
    assert answer.body["email"] == EMAIL
    assert auth.jwks_requests() == fetches_after_first, (
        "after the first JWKS fetch, the client must not call the auth service per request"
    )
    user_id = answer.body["id"]
    copy = client.deployment.shell(
        f"from django.contrib.auth import get_user_model; print(get_user_model().objects.get(pk={user_id!r}).email)"
    )
    assert copy == EMAIL, "the client's copy of the user has the auth service's id"

    # The name changes on the auth service; the next access token brings it to the copy.
    renamed = call(auth.url, "PATCH", ME_PATH, {"first_name": "Grace", "last_name": "Hopper"}, headers=bearer(access))
    assert renamed.status == 200, renamed.body
    refreshed = call(client.url, "POST", "/api/auth/token/refresh/", {"refresh": refresh})
    assert refreshed.status == 200, refreshed.body
    access = refreshed.body["access"]
    answer = me(client, access)
    assert (answer.status, answer.body["first_name"], answer.body["last_name"]) == (200, "Grace", "Hopper")

    # Key rotation. 1. Generate the next key; 2. publish it next to the current one.
    generated = auth.deployment.manage("jwt_keys", "generate")
    next_private, next_public = env_value(generated, "JWT_PRIVATE_KEY"), env_value(generated, "JWT_PUBLIC_KEYS")
    current_public = auth.deployment.manage("jwt_keys", "public-key").strip().strip('"').replace("\\n", "\n")
    old_access = access
    auth.stop()
    assert me(client, old_access).status == 200, "a restart of the auth service refuses no token at the client"
    auth.start(JWT_PUBLIC_KEYS=next_public)
    assert me(client, old_access).status == 200
    # 3. Sign with the next key; the previous key stays published until its tokens have expired.
    auth.stop()
    auth.start(JWT_PRIVATE_KEY=next_private, JWT_PUBLIC_KEYS=current_public)
    fetches_before = auth.jwks_requests()
    new_login = log_in_through(client)
    assert new_login.status == 200, new_login.body
    new_access = new_login.body["access"]
    for token in (new_access, old_access, new_access, old_access):
        answer = me(client, token)
        assert answer.status == 200, (answer.body, client.deployment.log(client.name))
    assert auth.jwks_requests() == fetches_before + 1, "the new kid must cost exactly one JWKS fetch"

    # The auth service goes down: the proxy answers 503, issued tokens keep working until they expire.
    auth.stop()
    down = log_in_through(client)
    assert down.status == 503, down.body
    assert down.body["errors"][0]["code"] == "auth_service_unavailable"
    for token in (new_access, old_access):
        assert me(client, token).status == 200, "tokens already issued are verified with the cached keys"


def email_link(sink: SmtpSink, address: str, path: str, *, count: int) -> dict[str, str]:
    """`uid` and `token` of the link to `path` in the last of the first `count` emails to `address` that has one."""
    messages = [message for message in sink.wait_for(address, count=count) if f"{path}?" in message.text]
    assert messages, f"no email to {address} links to {path}"
    return link_query(messages[-1].text, path)


def test_a_browser_does_everything_an_account_needs_through_the_client_service_alone(
    services: tuple[Service, Service],
):
    auth, client = services
    auth.ensure_serving()
    sink = auth.deployment.sink
    address = "katherine@example.com"

    def through_client(method: str, path: str, body: dict | None = None, token: str | None = None) -> Answer:
        return call(client.url, method, path, body, headers=bearer(token) if token else None)

    # Registration, and activation by the link the auth service emails (to the client's origin).
    registered = through_client("POST", "/api/auth/register/", {"email": address, "password": PASSWORD})
    assert (registered.status, registered.body) == (201, {}), (registered.body, auth.deployment.log(auth.name))
    activation = email_link(sink, address, f"{client.url}/activate", count=1)
    activated = through_client("POST", "/api/auth/register/activate/", activation)
    assert activated.status == 200, activated.body
    replayed = through_client("POST", "/api/auth/register/activate/", activation)
    assert (replayed.status, replayed.body["errors"][0]["code"]) == (400, "activation_link_invalid")

    login = log_in_through(client, address)
    assert login.status == 200, login.body
    access, refresh = login.body["access"], login.body["refresh"]

    # A name change is made at the auth service; the client shows it at once and after a refresh.
    renamed = through_client("PATCH", ME_PATH, {"first_name": "Katherine", "last_name": "Johnson"}, access)
    assert (renamed.status, renamed.body["first_name"]) == (200, "Katherine"), renamed.body
    assert through_client("GET", ME_PATH, token=access).body["first_name"] == "Katherine", (
        "GET me/ with the same access token must agree with the PATCH"
    )
    at_auth_service = call(auth.url, "GET", ME_PATH, headers=bearer(access))
    assert at_auth_service.body["last_name"] == "Johnson", "the change is the auth service's, not a local one"
    refreshed = through_client("POST", "/api/auth/token/refresh/", {"refresh": refresh})
    assert refreshed.status == 200, refreshed.body
    access, refresh = refreshed.body["access"], refreshed.body["refresh"]
    assert through_client("GET", ME_PATH, token=access).body["last_name"] == "Johnson"
    refused = through_client("PATCH", ME_PATH, {"email": "mallory@example.com"}, access)
    assert (refused.status, refused.body["errors"][0]["code"]) == (400, "unexpected_field")

    # Password rules, then a change: the other sessions end.
    weak = through_client("POST", "/api/auth/password/validate/", {"password": "short"})
    assert weak.status == 400
    assert "password_too_short" in [error["code"] for error in weak.body["errors"]], weak.body
    wrong = through_client(
        "POST", "/api/auth/password/change/", {"old_password": "not it", "new_password": NEW_PASSWORD}, access
    )
    assert (wrong.status, wrong.body["errors"][0]["code"]) == (400, "password_incorrect"), wrong.body
    changed = through_client(
        "POST", "/api/auth/password/change/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, access
    )
    assert (changed.status, changed.body) == (200, {}), changed.body
    old_session = through_client("POST", "/api/auth/token/refresh/", {"refresh": refresh})
    assert (old_session.status, old_session.body["errors"][0]["code"]) == (401, "token_not_valid")
    assert log_in_through(client, address).status == 401

    # A reset by the emailed link (activation, then the change's notice, then the reset link).
    requested = through_client("POST", "/api/auth/password/reset/", {"email": address})
    assert (requested.status, requested.body) == (200, {})
    reset = email_link(sink, address, f"{client.url}/reset-password", count=3)
    confirmed = through_client("POST", "/api/auth/password/reset/confirm/", {**reset, "password": PASSWORD})
    assert (confirmed.status, confirmed.body) == (200, {}), confirmed.body

    # The sessions list: the user sees each login and ends one; a reauthentication renews the other.
    laptop, phone = (log_in_through(client, address).body for _ in range(2))
    listed = through_client("GET", "/api/auth/sessions/", token=phone["access"])
    assert listed.status == 200, listed.body
    assert [session["current"] for session in listed.body["sessions"]] == [True, False], listed.body
    laptop_session = listed.body["sessions"][1]["id"]
    ended = through_client("DELETE", f"/api/auth/sessions/{laptop_session}/", token=phone["access"])
    assert ended.status == 204, ended.body
    assert through_client("POST", "/api/auth/token/refresh/", {"refresh": laptop["refresh"]}).status == 401
    renewed = through_client("POST", "/api/auth/reauthenticate/", {"password": PASSWORD}, phone["access"])
    assert renewed.status == 200, renewed.body
    assert set(renewed.body) >= {"access", "refresh"}

    # Two sessions, then logging out everywhere ends both.
    sessions = [log_in_through(client, address).body for _ in range(2)]
    logged_out = through_client("POST", "/api/auth/logout/all/", token=sessions[0]["access"])
    assert logged_out.status == 204, logged_out.body
    for session in sessions:
        ended = through_client("POST", "/api/auth/token/refresh/", {"refresh": session["refresh"]})
        assert ended.status == 401, "logout/all/ ends every session of the user"
    unauthenticated = through_client("POST", "/api/auth/logout/all/")
    assert (unauthenticated.status, unauthenticated.body["errors"][0]["code"]) == (401, "not_authenticated")

    # The account's data, then its deletion: the address no longer logs in.
    access = log_in_through(client, address).body["access"]
    exported = through_client("GET", "/api/auth/me/export/", token=access)
    assert (exported.status, exported.body["user"]["email"]) == (200, address), exported.body
    deleted = through_client("POST", "/api/auth/me/delete/", {"password": PASSWORD}, access)
    assert deleted.status == 204, deleted.body
    assert log_in_through(client, address).status == 401


def resolved(schema: Any, components: dict[str, Any]) -> Any:
    """`schema` with every `$ref` to a component replaced by the component, recursively."""
    if isinstance(schema, dict):
        if set(schema) == {"$ref"}:
            return resolved(components[schema["$ref"].rsplit("/", 1)[-1]], components)
        return {key: resolved(value, components) for key, value in schema.items()}
    if isinstance(schema, list):
        return [resolved(item, components) for item in schema]
    return schema


def bodies(operation: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """What an operation takes and answers on success: its request body and 2xx answers, components resolved."""
    successes = {status: answer for status, answer in operation["responses"].items() if status.startswith("2")}
    return resolved({"request": operation.get("requestBody"), "success": successes}, components)


def test_the_client_describes_each_proxied_endpoint_as_the_auth_service_does(services: tuple[Service, Service]):
    auth, client = services
    auth.ensure_serving()
    schemas = {}
    for service in (auth, client):
        answer = call(service.url, "GET", "/api/schema/?format=json")
        assert answer.status == 200, answer.body
        schemas[service.name] = answer.body
    auth_schema, client_schema = schemas[auth.name], schemas[client.name]
    # A proxied operation is one that can answer the proxy's own 502 (`auth_service_error`).
    proxied = [
        (path, method)
        for path, operations in client_schema["paths"].items()
        for method, operation in operations.items()
        if "502" in operation["responses"]
    ]
    assert ("/api/auth/register/", "post") in proxied and ("/api/auth/me/", "patch") in proxied, proxied
    for path, method in proxied:
        ours = bodies(client_schema["paths"][path][method], client_schema["components"]["schemas"])
        theirs = bodies(auth_schema["paths"][path][method], auth_schema["components"]["schemas"])
        if path == "/api/auth/login/{scenario}/":
            # The auth service lists its scenarios' step bodies; a client does not know its auth service's scenarios.
            ours, theirs = ours["success"], theirs["success"]
        assert ours == theirs, f"{method.upper()} {path}: the client's schema must say what the auth service's says"


class CookieBrowser:
    """A browser on the client's origin: it keeps the cookies it is given, and sends its Origin and the CSRF token.

    It keeps cookies by name and sends them all to every path, Secure ones included (the services
    speak plain HTTP on loopback); the client passes on to the auth service only those it reads.
    """

    def __init__(self, origin: str, page_origin: str | None = None) -> None:
        self.origin = origin
        # The origin of the page making the requests: the client's own, unless a test says otherwise.
        self.page_origin = page_origin or origin
        self.cookies: dict[str, str] = {}
        self.csrf_token: str | None = None

    def send(self, method: str, path: str, body: dict | None = None, *, with_csrf_token: bool = True) -> Answer:
        headers = {"Content-Type": "application/json", "Origin": self.page_origin}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if with_csrf_token and self.csrf_token:
            headers["X-CSRFToken"] = self.csrf_token
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.origin}{path}", data=data, headers=headers, method=method)
        try:
            with NO_PROXY_OPENER.open(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                status, content, set_cookies = response.status, response.read(), response.headers.get_all("Set-Cookie")
        except urllib.error.HTTPError as error:
            status, content, set_cookies = error.code, error.read(), error.headers.get_all("Set-Cookie")
        for header in set_cookies or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Answer(status, json.loads(content) if content else None, 0.0)


def test_a_browser_keeping_its_tokens_in_cookies_uses_the_client_service_alone(services: tuple[Service, Service]):
    auth, client = services
    auth.ensure_serving()
    browser = CookieBrowser(client.url)
    csrf = browser.send("GET", "/api/auth/csrf/")
    assert csrf.status == 200, csrf.body
    browser.csrf_token = csrf.body["csrf"]

    # The login's CSRF check is the auth service's: the client's origin is one it trusts, another is not.
    elsewhere = CookieBrowser(client.url, page_origin="https://evil.example")
    elsewhere.csrf_token = elsewhere.send("GET", "/api/auth/csrf/").body["csrf"]
    foreign = elsewhere.send("POST", "/api/auth/login/password/", {"email": COOKIE_EMAIL, "password": PASSWORD})
    assert (foreign.status, foreign.body["errors"][0]["code"]) == (403, "csrf_failed"), foreign.body
    login = browser.send("POST", "/api/auth/login/password/", {"email": COOKIE_EMAIL, "password": PASSWORD})
    assert (login.status, login.body["status"]) == (200, "complete"), (login.body, auth.deployment.log(auth.name))
    assert "access" not in login.body, "with cookies, the tokens are never in the body"
    me_answer = browser.send("GET", ME_PATH)
    assert (me_answer.status, me_answer.body["email"]) == (200, COOKIE_EMAIL), me_answer.body

    forged = browser.send("PATCH", ME_PATH, {"first_name": "Mallory"}, with_csrf_token=False)
    assert (forged.status, forged.body["errors"][0]["code"]) == (403, "csrf_failed")
    renamed = browser.send("PATCH", ME_PATH, {"first_name": "Dorothy", "last_name": "Vaughan"})
    assert (renamed.status, renamed.body["last_name"]) == (200, "Vaughan"), renamed.body
    assert browser.send("GET", ME_PATH).body["first_name"] == "Dorothy"

    refreshed = browser.send("POST", "/api/auth/token/refresh/", {})
    assert refreshed.status == 200, refreshed.body
    assert "refresh" not in refreshed.body
    assert browser.send("GET", ME_PATH).body["last_name"] == "Vaughan", "the refreshed access cookie works here"

    logged_out = browser.send("POST", "/api/auth/logout/", {})
    assert logged_out.status == 204, logged_out.body
    after = browser.send("GET", ME_PATH)
    assert after.status == 401, "logout deletes the cookies"
