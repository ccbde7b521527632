"""docs/curl-examples.md works as pasted: its shell blocks run in order, in one bash, against live renders.

The page is written for the default answers served by `make serve`, and, from its cookie section on, for a render
with `auth_role=auth_service token_transport=cookie`. Both are rendered, migrated and served by gunicorn on free
loopback ports with the embedded default's cache (the database) and tasks run inline, their emails going to an
SMTP sink. Then one bash sources the page's blocks one after the other, and the test does what the page asks of
its reader between blocks: it points `BASE` at the server of the block's section, sets the variables the page
says to take from an email (a login code, the uid and token of a link) from the newest such email in the sink,
and, for the cookie section, creates the account in that project.

Every request's answer is checked against the comment that announces it (`# → 200 {...}`, see harness/markdown.py):
curl reports each status on stderr through a `write-out` line in a curlrc that only this test's curl reads, so
the blocks' text stays as it is on the page.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from harness.deployment import Deployment, local_deployment, stop, wait_until_serving
from harness.markdown import Block, announcements, shell_blocks
from harness.processes import clean_environment
from harness.rendering import TEMPLATE_DIR
from harness.shell import BashSession, BlockRun
from harness.smtp_sink import ReceivedMessage, free_loopback_port

pytestmark = pytest.mark.xdist_group("docs-snippets")

PAGE = TEMPLATE_DIR / "docs" / "curl-examples.md"
COOKIE_ANSWERS = {"auth_role": "auth_service", "token_transport": "cookie"}
# The page's sections (its `##` headings) that are about the cookie render; the others are about the default one.
COOKIE_SECTIONS = frozenset({"Tokens in cookies", "An auth service's public keys"})
STATUS_LINE = re.compile(r"^HTTP-STATUS (\d{3})$", re.MULTILINE)
CURLRC = 'write-out = "%{stderr}HTTP-STATUS %{http_code}\\n"\n'
LOGIN_CODE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)
EMAIL_TIMEOUT_SECONDS = 30


def link_part(path: str, part: str) -> Callable[[ReceivedMessage], str | None]:
    """Reads `part` (uid or token) of the email's link to `path`, or None when the email has no such link."""
    pattern = re.compile(rf"https?://\S+{re.escape(path)}\?uid=([^&\s]+)&token=([^&\s]+)")

    def read(message: ReceivedMessage) -> str | None:
        match = pattern.search(message.text)
        return None if match is None else match.group(1 if part == "uid" else 2)

    return read


def login_code(message: ReceivedMessage) -> str | None:
    codes = LOGIN_CODE.findall(message.text) if "sign-in code" in message.message["Subject"] else []
    return codes[0] if len(codes) == 1 else None


# The variables the page tells its reader to set from an email, and how to read each from one.
EMAIL_VARIABLES: dict[str, Callable[[ReceivedMessage], str | None]] = {
    "ACTIVATION_UID": link_part("/activate", "uid"),
    "ACTIVATION_TOKEN": link_part("/activate", "token"),
    "RESET_UID": link_part("/reset-password", "uid"),
    "RESET_TOKEN": link_part("/reset-password", "token"),
    "LOGIN_CODE": login_code,
}


@dataclass
class Server:
    """A deployment served by gunicorn, and how many emails of each kind the page has used so far."""

    name: str
    deployment: Deployment
    url: str
    used: dict[str, int] = field(default_factory=dict)

    def value_from_email(self, variable: str, address: str) -> str:
        """`variable` read from the newest email to `address` it can be read from: an email newer than the one it
        was last read from, since the block before asked for it."""
        read = EMAIL_VARIABLES[variable]
        deadline = time.monotonic() + EMAIL_TIMEOUT_SECONDS
        while True:
            messages = self.deployment.sink.messages_to(address)
            values = [value for value in map(read, messages) if value is not None]
            if len(values) > self.used.get(variable, 0):
                self.used[variable] = len(values)
                return values[-1]
            assert time.monotonic() < deadline, (
                f"the page asks for {variable} from a new email to {address}, but none came: {messages}"
            )
            time.sleep(0.2)

    def log(self) -> str:
        return self.deployment.log(f"gunicorn-{self.name}")


def serve(deployment: Deployment, name: str) -> tuple[str, subprocess.Popen]:
    port = free_loopback_port()
    command = [deployment.bin / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    process = deployment.start(name, command)
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(url, process, deployment, name)
    return url, process


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Iterator[dict[str, Server]]:
    """{"default": ..., "cookie": ...}: the two renders the page is about, each served."""
    with ExitStack() as stack:
        served = {}
        for name, answers in (("default", {}), ("cookie", COOKIE_ANSWERS)):
            deployment = stack.enter_context(
                local_deployment(tmp_path_factory, cookiecutter_config, f"curl-{name}", redis_urls=(), answers=answers)
            )
            url, process = serve(deployment, f"gunicorn-{name}")
            stack.callback(stop, process)
            served[name] = Server(name, deployment, url)
        yield served


def variables_used(block: Block) -> set[str]:
    return set(re.findall(r"\$\{?([A-Z_][A-Z0-9_]*)", block.text))


def check_answer(block: Block, run: BlockRun, server: Server) -> None:
    announced = announcements(block)
    statuses = [int(status) for status in STATUS_LINE.findall(run.stderr)]
    where = f"{block.where()}\n{run.describe(block.text)}\nserver log:\n{server.log()}"
    assert len(announced) <= 1, f"one request per block, announced by one `# → <status>` comment: {block.where()}"
    assert len(statuses) == len(announced), (
        f"{block.where()} announces {len(announced)} answer(s) but sent {len(statuses)} request(s):\n{where}"
    )
    assert run.status == 0, f"the block's last command failed:\n{where}"
    assert not STATUS_LINE.sub("", run.stderr).strip(), f"the block wrote to stderr:\n{where}"
    if not announced:
        return
    (expected,) = announced
    assert statuses == [expected.status], f"{block.where()} announces {expected.status}:\n{where}"
    body = json.loads(run.stdout) if run.stdout.strip() else None
    problem = expected.mismatch(body)
    assert problem is None, f"{block.where()}: the answer does not fit its comment: {problem}\n{where}"


def test_the_curl_examples_answer_as_each_block_announces(servers: dict[str, Server], tmp_path: Path):
    blocks = shell_blocks(PAGE)
    assert blocks, f"{PAGE.name} has no shell block"
    (tmp_path / "curl").mkdir()
    (tmp_path / "curl" / ".curlrc").write_text(CURLRC)
    environment = clean_environment(CURL_HOME=str(tmp_path / "curl"))
    requests = 0
    with BashSession(tmp_path, environment) as shell:
        current = None
        for block in blocks:
            name = "cookie" if block.headings[1:2] and block.headings[1] in COOKIE_SECTIONS else "default"
            server = servers[name]
            if server is not current:
                # The reader serves the section's project and points BASE at it.
                shell.assign("BASE", server.url)
                if name == "cookie":
                    create_account(server.deployment, shell.value("EMAIL"), shell.value("PASSWORD"))
                current = server
            for variable in sorted(variables_used(block) & EMAIL_VARIABLES.keys()):
                shell.assign(variable, server.value_from_email(variable, shell.value("EMAIL")))
            run = shell.run(block.text)
            check_answer(block, run, server)
            requests += len(announcements(block))
    assert requests >= 20, f"{PAGE.name} should show every flow; it sent {requests} requests"


def create_account(deployment: Deployment, email: str, password: str) -> None:
    """What the page asks of its reader before the cookie section: an active account with that email and password."""
    assert email and password, "the page's setup block sets EMAIL and PASSWORD"
    deployment.shell(
        "from django.contrib.auth import get_user_model; "
        f"print(get_user_model().objects.create_user({email!r}, {password!r}).pk)"
    )
