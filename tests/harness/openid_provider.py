"""A real OpenID Connect provider on loopback for the social login tests, and a person who signs in at it.

The provider is node's oidc-provider (panva/node-oidc-provider, the certified OpenID provider library
for Node.js), installed from the npm registry into the tests' cache folder and run by
openid_provider.mjs. Its development sign-in and consent pages are real HTML forms: `sign_in()` reads
them and posts them with a `requests` session as a browser would, following the provider's redirects
until it sends the browser back to the relying party's redirect URI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from filelock import FileLock

from .processes import describe, run
from .services import NODE
from .smtp_sink import free_loopback_port
from .venvs import INSTALL_TIMEOUT_SECONDS, READY_MARKER, cache_dir

PACKAGE = "oidc-provider@9.13.3"
SERVER_SCRIPT = Path(__file__).with_name("openid_provider.mjs")
START_TIMEOUT_SECONDS = 30
REQUEST_TIMEOUT_SECONDS = 15
# Redirects from the authorization request to the redirect URI: login, consent, and the resumes between.
MAX_REDIRECTS = 12
# What the development sign-in page takes as password: anything.
ANY_PASSWORD = "any password will do"


def installed() -> Path:
    """The folder where `npm install` put oidc-provider (installed again when PACKAGE changes)."""
    NODE.require()
    folder = cache_dir() / "openid-provider"
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(folder.with_suffix(".lock"), timeout=INSTALL_TIMEOUT_SECONDS):
        marker = folder / READY_MARKER
        if not marker.exists() or marker.read_text() != PACKAGE:
            result = run(
                ["npm", "install", "--no-audit", "--no-fund", "--no-package-lock", PACKAGE],
                cwd=folder,
                timeout=INSTALL_TIMEOUT_SECONDS,
            )
            assert result.returncode == 0, describe(result)
            marker.write_text(PACKAGE)
    return folder


@dataclass
class Client:
    """A relying party registered at the provider."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def metadata(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uris": self.redirect_uris,
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
        }


class OpenIDProvider:
    """oidc-provider running on a loopback port; `start()` again after `stop()` on the same port."""

    def __init__(self, folder: Path, clients: list[Client], logs: Path) -> None:
        self.folder = folder
        self.clients = clients
        self.logs = logs
        self.port = free_loopback_port()
        self.process: subprocess.Popen | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.logs / "openid-provider.log").open("a")
        environment = {"PATH": str(Path(shutil.which("node") or "node").parent), "OIDC_TEST_CLIENTS": json.dumps(
            [client.metadata() for client in self.clients]
        )}
        self.process = subprocess.Popen(
            ["node", str(self.folder / SERVER_SCRIPT.name), str(self.port)],
            cwd=self.folder,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"oidc-provider exited:\n{self.log()}"
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError(f"oidc-provider did not answer within {START_TIMEOUT_SECONDS} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None

    def log(self) -> str:
        path = self.logs / "openid-provider.log"
        return path.read_text()[-4000:] if path.exists() else ""


@contextmanager
def openid_provider(clients: list[Client], working_folder: Path) -> Iterator[OpenIDProvider]:
    """oidc-provider with `clients` registered, serving until the block ends."""
    folder = working_folder / "openid-provider"
    folder.mkdir()
    (folder / "node_modules").symlink_to(installed() / "node_modules", target_is_directory=True)
    shutil.copy(SERVER_SCRIPT, folder / SERVER_SCRIPT.name)
    provider = OpenIDProvider(folder, clients, working_folder)
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


class FormReader(HTMLParser):
    """The first form of a page: its action and the values of its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and self.action is None:
            self.action, self.in_form = attributes.get("action") or "", True
        elif tag == "input" and self.in_form and attributes.get("name"):
            self.fields[attributes["name"] or ""] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False


def sign_in(authorization_url: str, login: str, redirect_uri: str) -> dict[str, str]:
    """Sign in at the provider as `login` and consent, as a browser would; the query the provider sent the
    browser back to `redirect_uri` with (`code`, `state`, ...)."""
    browser = requests.Session()
    browser.trust_env = False  # loopback only: no proxy of the environment
    response = browser.get(authorization_url, allow_redirects=False, timeout=REQUEST_TIMEOUT_SECONDS)
    for _ in range(MAX_REDIRECTS):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(f"{redirect_uri}?"):
                return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
            response = browser.get(location, allow_redirects=False, timeout=REQUEST_TIMEOUT_SECONDS)
            continue
        assert response.status_code == 200, f"{response.status_code} from {response.url}:\n{response.text[:2000]}"
        form = FormReader()
        form.feed(response.text)
        assert form.action is not None, f"no form on {response.url}:\n{response.text[:2000]}"
        fields = dict(form.fields)
        if fields.get("prompt") == "login":
            fields.update(login=login, password=ANY_PASSWORD)
        response = browser.post(
            urljoin(response.url, form.action), data=fields, allow_redirects=False, timeout=REQUEST_TIMEOUT_SECONDS
        )
    raise AssertionError(f"the provider did not send the browser back to {redirect_uri}")
