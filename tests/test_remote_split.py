"""One auth service and one client service, each under gunicorn on loopback, talking over HTTP.

The client verifies the auth service's tokens locally against its JWKS: after the first
fetch, requests to the client cost the auth service nothing (counted in the auth
service's gunicorn access log). The scenario walks what DESIGN.md section 4 "Remote
split" promises: login through the client's proxy, the local user copy and its update,
a key rotation with no refused request, and an auth service that is down (503 from the
proxy, while tokens already issued keep working).

Both renders sign with EdDSA and share JWT_ISSUER and JWT_AUDIENCE, as a deployment of
one auth service and its clients does.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.deployment import Answer, Deployment, call, post, stop, wait_until_serving
from harness.processes import clean_environment
from harness.rendering import render
from harness.smtp_sink import SmtpSink, free_loopback_port
from harness.venvs import virtualenv_for

# Both services, their processes and their logs belong to one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("remote-split")

ISSUER = "https://auth.remote-split.test"
AUDIENCE = "https://api.remote-split.test"
EMAIL = "grace@example.com"
PASSWORD = "sturdy lantern orchard"
JWKS_PATH = "/.well-known/jwks.json"
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
        self.process = self.deployment.start(self.name, command, **overrides)
        wait_until_serving(self.url, self.process, self.deployment, self.name)

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
    )
    deployment = Deployment(path, virtualenv_for(path), environment, sink, tmp_path_factory.mktemp(f"{name}-logs"))
    deployment.manage("migrate", "--noinput")
    return deployment


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[tuple[Service, Service]]:
    """(auth service, client service), both serving; the client's AUTH_SERVICE_URL is the auth service."""
    with SmtpSink() as sink:
        auth_deployment = deployment_of(
            {"auth_role": "auth_service", "signing_algorithm": "EdDSA", "project_slug": "auth_svc"},
            tmp_path_factory,
            cookiecutter_config,
            sink,
            "auth-service",
        )
        client_deployment = deployment_of(
            {"auth_role": "client_service", "signing_algorithm": "EdDSA", "project_slug": "client_svc"},
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
        auth_deployment.shell(
            "from django.contrib.auth import get_user_model; "
            f"print(get_user_model().objects.create_user({EMAIL!r}, {PASSWORD!r}).pk)"
        )
        auth.start()
        client.start()
        try:
            yield auth, client
        finally:
            client.stop()
            auth.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def log_in_through(client: Service) -> Answer:
    return post(client.url, "/api/auth/login/password/", {"email": EMAIL, "password": PASSWORD})


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

    # The client verifies locally: one JWKS fetch, then nothing per request.
    for _ in range(6):
        answer = me(client, access)
        assert answer.status == 200, (answer.body, client.deployment.log(client.name))
    assert answer.body["email"] == EMAIL
    assert auth.jwks_requests() == 1, (
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
    refreshed = post(client.url, "/api/auth/token/refresh/", {"refresh": refresh})
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
