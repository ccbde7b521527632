"""The verifiers of docs/remote-split.md for services of other languages work as the page shows them.

An auth service is rendered and served by gunicorn on loopback with the page's issuer and audience, and a user
logs in. The page's jose module (Node.js) and PyJWT module (Python) are written to files exactly as the page
has them, with its example JWKS URL pointed at the served auth service, and each is asked about the login's
access token, which it must accept, and refresh token, which it must refuse. jose is installed by the page's own
`npm install` command, into a cache folder kept between runs.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from harness.deployment import local_deployment, post, stop, wait_until_serving
from harness.markdown import Block, fenced_blocks
from harness.processes import clean_environment, describe, run
from harness.rendering import TEMPLATE_DIR
from harness.services import NODE
from harness.smtp_sink import free_loopback_port
from harness.venvs import INSTALL_TIMEOUT_SECONDS, READY_MARKER, cache_dir

pytestmark = pytest.mark.xdist_group("foreign-verifiers")

PAGE = TEMPLATE_DIR / "docs" / "remote-split.md"
SECTION = "Verifying tokens in services of other languages"
# The page's example auth service: the deployment below is configured with the same issuer and audience.
ISSUER = "https://auth.example.com"
AUDIENCE = "https://api.example.com"
PAGE_JWKS_URL = f"{ISSUER}/.well-known/jwks.json"
EMAIL = "grace@example.com"
PASSWORD = "sturdy lantern orchard"
VERIFY_TIMEOUT_SECONDS = 60
# Asks the page's module about one token; prints {"sub": ...} or {"refused": "<why>"}.
NODE_DRIVER = textwrap.dedent(
    """\
    import { verifyAccessToken } from "./verify-access-token.mjs";

    try {
      const payload = await verifyAccessToken(process.argv[2]);
      console.log(JSON.stringify({ sub: payload.sub }));
    } catch (error) {
      console.log(JSON.stringify({ refused: `${error.code ?? error.name}: ${error.message}` }));
    }
    """
)
PYTHON_DRIVER = textwrap.dedent(
    """\
    import json
    import sys

    import jwt

    from verify_access_token import verify_access_token

    try:
        print(json.dumps({"sub": verify_access_token(sys.argv[1])["sub"]}))
    except jwt.InvalidTokenError as error:
        print(json.dumps({"refused": f"{type(error).__name__}: {error}"}))
    """
)


def section_blocks(language: str) -> list[Block]:
    """The page's blocks of `language` in the section on other languages."""
    return [block for block in fenced_blocks(PAGE) if SECTION in block.headings and block.language == language]


def only_block(language: str) -> Block:
    blocks = section_blocks(language)
    assert len(blocks) == 1, f"{PAGE.name}, section {SECTION!r}: expected one {language} block, found {len(blocks)}"
    return blocks[0]


def write_module(language: str, folder: Path, jwks_url: str) -> str:
    """Write the page's `language` block into `folder`, under the file name its first line gives, fetching its keys
    from `jwks_url` instead of the page's example URL; the name of the file."""
    block = only_block(language)
    name = block.text.splitlines()[0].lstrip("/# ").strip()
    assert PAGE_JWKS_URL in block.text, f"{block.where()}: the example no longer fetches {PAGE_JWKS_URL}"
    (folder / name).write_text(block.text.replace(PAGE_JWKS_URL, jwks_url))
    return name


@dataclass(frozen=True)
class Login:
    """The served auth service, the Python of its venv (which has PyJWT), and what a login there answered."""

    jwks_url: str
    python: Path
    user_id: str
    access: str
    refresh: str


@pytest.fixture(scope="module")
def login(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[Login]:
    answers = {"auth_role": "auth_service", "signing_algorithm": "RS256"}
    with local_deployment(
        tmp_path_factory,
        cookiecutter_config,
        "foreign-verifiers",
        redis_urls=(),
        answers=answers,
        JWT_ISSUER=ISSUER,
        JWT_AUDIENCE=AUDIENCE,
    ) as deployment:
        user_id = deployment.shell(
            "from django.contrib.auth import get_user_model; "
            f"print(get_user_model().objects.create_user({EMAIL!r}, {PASSWORD!r}).pk)"
        )
        url = f"http://127.0.0.1:{free_loopback_port()}"
        command = [deployment.bin / "gunicorn", "config.wsgi:application", "--bind", url.removeprefix("http://")]
        process = deployment.start("gunicorn", command)
        try:
            wait_until_serving(url, process, deployment, "gunicorn")
            answer = post(url, "/api/auth/login/password/", {"email": EMAIL, "password": PASSWORD})
            assert answer.status == 200, (answer.body, deployment.log("gunicorn"))
            tokens = answer.body["access"], answer.body["refresh"]
            yield Login(f"{url}/.well-known/jwks.json", deployment.bin / "python", user_id, *tokens)
        finally:
            stop(process)


def verifier_environment() -> dict[str, str]:
    """The verifiers talk to loopback: a proxy configured in the developer's environment must not be asked."""
    return clean_environment(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")


def ask(command: list[str | Path], cwd: Path) -> dict[str, str]:
    """What a driver printed about one token: {"sub": ...} or {"refused": ...}."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=verifier_environment(),
        capture_output=True,
        text=True,
        timeout=VERIFY_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"$ {' '.join(map(str, command))}\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def jose_installed() -> Path:
    """The folder where the page's `npm install` command has installed jose (run again when the command changes)."""
    block = only_block("sh")
    commands = block.commands()
    assert commands == ["npm install jose"], f"{block.where()}: teach this test the commands {commands}"
    folder = cache_dir() / "node-verifier"
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(folder.with_suffix(".lock"), timeout=INSTALL_TIMEOUT_SECONDS):
        marker = folder / READY_MARKER
        if not marker.exists() or marker.read_text() != block.text:
            for command in commands:
                result = run(["bash", "-c", command], cwd=folder, environment=verifier_environment())
                assert result.returncode == 0, describe(result)
            marker.write_text(block.text)
    return folder


def node_options() -> list[str]:
    """`--experimental-global-webcrypto` where the page says jose needs it: a Node.js without the WebCrypto global."""
    probe = subprocess.run(
        ["node", "-p", "typeof globalThis.crypto"], capture_output=True, text=True, timeout=30, check=True
    )
    return ["--experimental-global-webcrypto"] if probe.stdout.strip() == "undefined" else []


@pytest.fixture(scope="module")
def jose_verifier(login: Login, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, str]]:
    folder = tmp_path_factory.mktemp("jose-verifier")
    (folder / "node_modules").symlink_to(jose_installed() / "node_modules", target_is_directory=True)
    module = write_module("js", folder, login.jwks_url)
    assert module == "verify-access-token.mjs", f"the page names its jose module {module}; the driver imports it"
    (folder / "driver.mjs").write_text(NODE_DRIVER)
    options = node_options()
    return lambda token: ask(["node", *options, "driver.mjs", token], folder)


@pytest.fixture(scope="module")
def pyjwt_verifier(login: Login, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, str]]:
    folder = tmp_path_factory.mktemp("pyjwt-verifier")
    module = write_module("python", folder, login.jwks_url)
    assert module == "verify_access_token.py", f"the page names its PyJWT module {module}; the driver imports it"
    (folder / "driver.py").write_text(PYTHON_DRIVER)
    return lambda token: ask([login.python, "driver.py", token], folder)


@pytest.fixture(scope="module")
def node() -> None:
    """Node.js and npm, which the page's jose example needs."""
    NODE.require()


@pytest.mark.usefixtures("node")
def test_the_jose_verifier_of_the_docs_accepts_access_tokens_and_refuses_refresh_tokens(login, jose_verifier):
    assert jose_verifier(login.access) == {"sub": login.user_id}
    refused = jose_verifier(login.refresh)
    assert "refused" in refused, f"jose accepted the refresh token as an access token: {refused}"


def test_the_pyjwt_verifier_of_the_docs_accepts_access_tokens_and_refuses_refresh_tokens(login, pyjwt_verifier):
    assert pyjwt_verifier(login.access) == {"sub": login.user_id}
    refused = pyjwt_verifier(login.refresh)
    assert "refused" in refused, f"PyJWT accepted the refresh token as an access token: {refused}"
