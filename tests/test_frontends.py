"""docs/frontend.md, run in a real browser: each arrangement it describes works with the settings it gives.

A token_transport=cookie render, and a `both` one (whose logins answer with cookies unless asked otherwise),
is served by gunicorn on 127.0.0.1 with local settings and DEBUG off, so that its cookies are Secure and
named `__Host-access_token` and `__Secure-refresh_token` (Chromium treats loopback as a secure context:
Secure cookies work over http://127.0.0.1 and http://localhost). A tiny page runs the page's own `fetch()`
code (its first ```js block, with `API` pointed at the server) in Debian's Chromium, driven by Playwright,
and goes through a session: a login, `me/`, a forged PATCH without the CSRF token (refused), a PATCH with
it, a refresh, a logout, and `me/` again (refused). With DEBUG on, as on a developer's machine, the cookies
are `access_token` and `refresh_token` instead, neither Secure nor prefixed. The page is served

- from the API's origin (Django's static files): the same origin;
- from another port of 127.0.0.1: another origin of the same site (ports do not make sites);
- from https://app.example.com to https://api.example.com, the page's own example of the same site, over
  HTTPS with a certificate made here, both names mapped to 127.0.0.1 inside Chromium only;
- from http://localhost: another site (127.0.0.1 and localhost are two sites).

Each server gets the environment of the page's ```dotenv block for its arrangement, with the page's example
origins replaced by the frontend's real one; one more check runs the other site with the same-site block
only, and is refused, so that the settings the page gives are shown to be needed.
"""

from __future__ import annotations

import datetime
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from harness.deployment import (
    START_TIMEOUT_SECONDS,
    Deployment,
    local_deployment,
    stop,
    wait_until_serving,
)
from harness.markdown import Block, fenced_blocks
from harness.rendering import TEMPLATE_DIR
from harness.services import CHROMIUM
from harness.smtp_sink import free_loopback_port
from playwright.sync_api import Browser, Playwright, sync_playwright

pytestmark = pytest.mark.xdist_group("frontends")

PAGE = TEMPLATE_DIR / "docs" / "frontend.md"
# What the page's examples say, replaced here by the servers of this run.
PAGE_API_LINE = 'const API = "https://api.example.com";'
PAGE_SAME_SITE_FRONTEND = "https://app.example.com"
PAGE_OTHER_SITE_FRONTEND = "https://app.example.net"
SAME_SITE_SECTION = "Another origin of the same site"
OTHER_SITE_SECTION = "Another site"
PASSWORD = "sturdy lantern orchard"
# The settings of this module's static files: the render's own api app serves them (WhiteNoise's finders).
FRONTEND_STATIC_PATH = "frontend/index.html"
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# The page's example hosts, which Chromium alone resolves to loopback (nothing else on the machine does).
EXAMPLE_HOSTS = ("app.example.com", "api.example.com")
EXAMPLE_HOST_RULES = "--host-resolver-rules=" + ", ".join(f"MAP {host} 127.0.0.1" for host in EXAMPLE_HOSTS)
SECURE_COOKIE_NAMES = {"__Host-access_token", "__Secure-refresh_token"}
# With DEBUG on, the cookies are not Secure, and browsers refuse prefixed names on cookies that are not.
DEBUG_COOKIE_NAMES = {"access_token", "refresh_token"}

# The session the page goes through, with the page's `api()` and `API`; a forged PATCH is sent without
# the CSRF token, as another page in the same browser could.
LOG_IN = """
async ({email, password}) => api("POST", "/api/auth/login/password/", {email, password})
"""
SESSION = """
async () => {
  const steps = {};
  steps.me = await api("GET", "/api/auth/me/");
  const forged = await fetch(`${API}/api/auth/me/`, {
    method: "PATCH",
    credentials: "include",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({first_name: "Forged"}),
  });
  steps.forged = {status: forged.status, body: await forged.json()};
  steps.patch = await api("PATCH", "/api/auth/me/", {first_name: "Ada"});
  steps.refresh = await api("POST", "/api/auth/token/refresh/");
  steps.meAfterRefresh = await api("GET", "/api/auth/me/");
  steps.logout = await api("POST", "/api/auth/logout/");
  steps.meAfterLogout = await api("GET", "/api/auth/me/");
  steps.refreshAfterLogout = await api("POST", "/api/auth/token/refresh/");
  return steps;
}
"""


def page_blocks(language: str) -> list[Block]:
    return [block for block in fenced_blocks(PAGE) if block.language == language]


def client_code() -> str:
    """The page's first ```js block, the functions a frontend copies, pointed at `window.API_ORIGIN`."""
    code = page_blocks("js")[0].text
    assert PAGE_API_LINE in code, f"{PAGE.name}'s first js block must start with {PAGE_API_LINE}"
    return code.replace(PAGE_API_LINE, "const API = window.API_ORIGIN;")


def section_environment(section: str, frontend_origin: str) -> dict[str, str]:
    """The variables of the ```dotenv block under `section`, with the page's example origins made `frontend_origin`."""
    blocks = [block for block in page_blocks("dotenv") if block.section == section]
    assert len(blocks) == 1, f"{PAGE.name} must give one dotenv block under '{section}'"
    environment = {}
    for line in blocks[0].text.splitlines():
        name, _, value = line.partition("=")
        for example in (PAGE_SAME_SITE_FRONTEND, PAGE_OTHER_SITE_FRONTEND):
            value = value.replace(example, frontend_origin)
        environment[name.strip()] = value.strip()
    return environment


def frontend_html() -> bytes:
    """The frontend: the page's code, talking to the API named by `?api=` (its own origin without one)."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Frontend</title>
<script>window.API_ORIGIN = new URLSearchParams(location.search).get("api") || location.origin;</script>
<script>
{client_code()}
</script>
</head>
<body><p>Frontend</p></body>
</html>
""".encode()


class FrontendHandler(BaseHTTPRequestHandler):
    """Serves the frontend page at every path."""

    def do_GET(self) -> None:
        body = frontend_html()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


def serve_frontend(tls: ssl.SSLContext | None = None) -> tuple[ThreadingHTTPServer, int]:
    """A static server of the frontend page on a free loopback port (over TLS with `tls`), in a thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FrontendHandler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


@pytest.fixture(scope="module")
def frontend_port() -> Iterator[int]:
    """The frontend page over plain HTTP, reached as 127.0.0.1 or localhost."""
    server, port = serve_frontend()
    yield port
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for the page's example hosts, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, EXAMPLE_HOSTS[0])])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host) for host in EXAMPLE_HOSTS]), critical=False)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    certificate_file, key_file = directory / "certificate.pem", directory / "key.pem"
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certificate_file, key_file


@pytest.fixture(scope="module")
def https_frontend_port(certificate: tuple[Path, Path]) -> Iterator[int]:
    """The frontend page over HTTPS, reached as app.example.com."""
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(*certificate)
    server, port = serve_frontend(tls)
    yield port
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    CHROMIUM.require()
    with sync_playwright() as playwright:
        yield playwright


def launch_chromium(playwright: Playwright, *arguments: str) -> Browser:
    """Debian's Chromium, headless; never a browser that Playwright downloads."""
    return playwright.chromium.launch(
        executable_path=shutil.which("chromium"), headless=True, args=[*CHROMIUM_ARGUMENTS, *arguments]
    )


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def example_hosts_browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium that resolves the page's example hosts to loopback and accepts this run's certificate."""
    chromium = launch_chromium(playwright, EXAMPLE_HOST_RULES, "--ignore-certificate-errors")
    yield chromium
    chromium.close()


@pytest.fixture(scope="module", params=["cookie", "both"], ids=lambda transport: f"token_transport={transport}")
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path
) -> Iterator[Deployment]:
    """A render of the cookie transport, migrated, whose static files hold the frontend page (the same origin)."""
    answers = {"token_transport": request.param}
    name = f"frontends-{request.param}"
    with local_deployment(tmp_path_factory, cookiecutter_config, name, redis_urls=(), answers=answers) as deployment:
        static_page = deployment.path / deployment.slug / "api" / "static" / FRONTEND_STATIC_PATH
        static_page.parent.mkdir(parents=True)
        static_page.write_bytes(frontend_html())
        yield deployment


@dataclass
class Session:
    """What the browser saw: the login's answer, the cookie names it held after it, the later steps."""

    login: dict[str, Any]
    cookie_names: set[str]
    steps: dict[str, Any]
    cookies_after: set[str]


def serve(deployment: Deployment, name: str, environment: dict[str, str]) -> tuple[str, Any]:
    """gunicorn on a free loopback port with `environment` added; its base URL and process."""
    port = free_loopback_port()
    command = [deployment.bin / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = deployment.start(name, command, **environment)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url, process, deployment, name)
    except BaseException:
        stop(process)
        raise
    return base_url, process


def serve_https(
    deployment: Deployment, name: str, certificate: tuple[Path, Path], environment: dict[str, str]
) -> tuple[int, subprocess.Popen]:
    """gunicorn serving HTTPS itself (as a TLS-terminating proxy would) on a free loopback port."""
    port = free_loopback_port()
    certificate_file, key_file = certificate
    command = [deployment.bin / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    command += ["--certfile", certificate_file, "--keyfile", key_file]
    process = deployment.start(name, command, **environment)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with code {process.returncode}:\n{deployment.log(name)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return port, process
        except OSError:
            time.sleep(0.3)
    stop(process)
    pytest.fail(f"{name} did not listen within {START_TIMEOUT_SECONDS}s:\n{deployment.log(name)}")


def run_session(browser: Browser, deployment: Deployment, page_url: str, api_url: str, email: str) -> Session:
    """Open the frontend at `page_url` in a fresh browser profile and go through a session with the API."""
    deployment.shell(
        "from django.contrib.auth import get_user_model; "
        f"u = get_user_model().objects.create_user(email={email!r}, password={PASSWORD!r}); "
        "u.is_active = True; u.activation_pending = False; u.save(); print(u.pk)"
    )
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(page_url)
        login = page.evaluate(LOG_IN, {"email": email, "password": PASSWORD})
        cookie_names = api_cookie_names(context.cookies(), api_url)
        steps = page.evaluate(SESSION) if login["status"] == 200 else {}
        cookies_after = api_cookie_names(context.cookies(), api_url)
    finally:
        context.close()
    return Session(login, cookie_names, steps, cookies_after)


def api_cookie_names(cookies: list[Any], api_url: str) -> set[str]:
    """The names of the cookies the browser holds for the API's host, whatever their path or partition."""
    host = urlsplit(api_url).hostname
    return {cookie["name"] for cookie in cookies if cookie["domain"].lstrip(".") == host}


def assert_the_session_works(
    session: Session, deployment: Deployment, server: str, cookie_names: set[str] = SECURE_COOKIE_NAMES
) -> None:
    log = deployment.log(server)
    assert session.login["status"] == 200, (session.login, log)
    assert session.login["body"]["status"] == "complete", session.login
    assert cookie_names <= session.cookie_names, f"the browser must hold {cookie_names}, holds {session.cookie_names}"
    steps = session.steps
    assert steps["me"]["status"] == 200, (steps["me"], log)
    assert (steps["forged"]["status"], steps["forged"]["body"]["errors"][0]["code"]) == (403, "csrf_failed"), steps
    assert (steps["patch"]["status"], steps["patch"]["body"]["first_name"]) == (200, "Ada"), (steps["patch"], log)
    assert steps["refresh"]["status"] == 200, (steps["refresh"], log)
    assert set(steps["refresh"]["body"]) == {"expires_in"}, "no token in a cookie transport's body"
    assert steps["meAfterRefresh"]["status"] == 200, steps["meAfterRefresh"]
    assert steps["logout"]["status"] == 204, (steps["logout"], log)
    assert steps["meAfterLogout"]["status"] == 401, steps["meAfterLogout"]
    assert steps["refreshAfterLogout"]["status"] == 401, steps["refreshAfterLogout"]
    assert not cookie_names & session.cookies_after, "logout must delete both cookies"


def test_a_frontend_on_the_same_origin_needs_no_setting(browser, deployment):
    api, process = serve(deployment, "same-origin", {})
    try:
        session = run_session(browser, deployment, f"{api}/static/{FRONTEND_STATIC_PATH}", api, "same@example.com")
    finally:
        stop(process)
    assert_the_session_works(session, deployment, "same-origin")


def test_a_frontend_on_another_origin_of_the_same_site_works_with_the_pages_settings(
    browser, deployment, frontend_port
):
    frontend = f"http://127.0.0.1:{frontend_port}"
    api, process = serve(deployment, "same-site", section_environment(SAME_SITE_SECTION, frontend))
    try:
        session = run_session(browser, deployment, f"{frontend}/?api={api}", api, "same-site@example.com")
    finally:
        stop(process)
    assert_the_session_works(session, deployment, "same-site")


def test_with_debug_on_a_dev_server_on_plain_http_works_with_unprefixed_cookies(browser, deployment, frontend_port):
    frontend = f"http://127.0.0.1:{frontend_port}"
    environment = {**section_environment(SAME_SITE_SECTION, frontend), "DJANGO_DEBUG": "true"}
    api, process = serve(deployment, "debug", environment)
    try:
        session = run_session(browser, deployment, f"{frontend}/?api={api}", api, "debug@example.com")
    finally:
        stop(process)
    assert_the_session_works(session, deployment, "debug", cookie_names=DEBUG_COOKIE_NAMES)
    assert not SECURE_COOKIE_NAMES & session.cookie_names


def test_the_pages_example_of_the_same_site_works_over_https_with_its_settings(
    example_hosts_browser, deployment, https_frontend_port, certificate
):
    frontend = f"https://app.example.com:{https_frontend_port}"
    environment = {**section_environment(SAME_SITE_SECTION, frontend), "DJANGO_ALLOWED_HOSTS": "api.example.com"}
    port, process = serve_https(deployment, "example-hosts", certificate, environment)
    api = f"https://api.example.com:{port}"
    try:
        session = run_session(example_hosts_browser, deployment, f"{frontend}/?api={api}", api, "app@example.com")
    finally:
        stop(process)
    assert_the_session_works(session, deployment, "example-hosts")


def test_a_frontend_on_another_site_works_with_the_pages_settings(browser, deployment, frontend_port):
    frontend = f"http://localhost:{frontend_port}"
    api, process = serve(deployment, "other-site", section_environment(OTHER_SITE_SECTION, frontend))
    try:
        session = run_session(browser, deployment, f"{frontend}/?api={api}", api, "other-site@example.com")
    finally:
        stop(process)
    assert_the_session_works(session, deployment, "other-site")


def test_a_frontend_on_another_site_fails_with_the_same_site_settings(browser, deployment, frontend_port):
    frontend = f"http://localhost:{frontend_port}"
    api, process = serve(deployment, "other-site-lax", section_environment(SAME_SITE_SECTION, frontend))
    try:
        session = run_session(browser, deployment, f"{frontend}/?api={api}", api, "lax@example.com")
    finally:
        stop(process)
    # The SameSite=Lax csrftoken cookie does not go with a cross-site request: the CSRF check cannot pass.
    assert session.login["status"] == 403, session.login
    assert session.login["body"]["errors"][0]["code"] == "csrf_failed", session.login
    assert not SECURE_COOKIE_NAMES & session.cookie_names, "a refused login sets no cookie"
