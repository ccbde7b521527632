"""The account pages (docs/pages.md) in a real browser: every journey, for a header render and a cookie render.

Each render is served by gunicorn with local settings and DEBUG off (Secure, prefixed cookies), its emails
caught by the SMTP sink; Debian's Chromium, driven by Playwright, opens it as http://localhost:<port>, the
origin of the passkeys' relying party (an IP address cannot be one). Nothing reaches the API but the pages:
a test only clicks, types and reads, and takes codes and links from the emails the sink received.

Every page a journey visits is checked with axe-core (from the npm registry, installed into the tests'
cache folder and injected into the page): no serious or critical violation. Each test saves a screenshot of
its last page under $GATEHOUSE_ARTIFACTS/pages (tests/artifacts/pages by default, git-ignored), which CI
keeps, and docs/pages.md shows.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock
from harness.deployment import Deployment, local_deployment, stop, wait_until_serving
from harness.openid_provider import Client, openid_provider
from harness.processes import describe, run
from harness.rendering import TEMPLATE_DIR
from harness.services import CHROMIUM, NODE
from harness.smtp_sink import free_loopback_port
from harness.venvs import INSTALL_TIMEOUT_SECONDS, READY_MARKER, cache_dir
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

pytestmark = pytest.mark.xdist_group("pages")

AXE_PACKAGE = "axe-core@4.14.1"
ARTIFACTS = Path(os.environ.get("GATEHOUSE_ARTIFACTS", TEMPLATE_DIR / "tests" / "artifacts")) / "pages"
PASSWORD = "sturdy lantern orchard"
NEW_PASSWORD = "quiet harbour meadow"
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# The narrowest screen the pages are made for.
NARROW_VIEWPORT = {"width": 360, "height": 740}
SERIOUS = {"serious", "critical"}
CODE = re.compile(r"\b(\d{6})\b")


def axe_script() -> str:
    """axe.min.js of AXE_PACKAGE, npm-installed into the tests' cache folder (again when the pin changes)."""
    NODE.require()
    folder = cache_dir() / "axe-core"
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(folder.with_suffix(".lock"), timeout=INSTALL_TIMEOUT_SECONDS):
        marker = folder / READY_MARKER
        if not marker.exists() or marker.read_text() != AXE_PACKAGE:
            result = run(
                ["npm", "install", "--no-audit", "--no-fund", "--no-package-lock", AXE_PACKAGE],
                cwd=folder,
                timeout=INSTALL_TIMEOUT_SECONDS,
            )
            assert result.returncode == 0, describe(result)
            marker.write_text(AXE_PACKAGE)
    return (folder / "node_modules" / "axe-core" / "axe.min.js").read_text()


@dataclass
class Site:
    """A served render: its answers' transport, its base URL, and the deployment (its SMTP sink, its shell)."""

    transport: str
    url: str
    deployment: Deployment

    def create_user(self, email: str, password: str = PASSWORD) -> None:
        self.deployment.shell(
            "from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.create_user(email={email!r}, password={password!r}); print('created')"
        )

    def emails_to(self, address: str, count: int = 1) -> list[str]:
        return [message.text for message in self.deployment.sink.wait_for(address, count=count)]

    def link_in(self, text: str, path: str) -> str:
        [link] = re.findall(rf"{re.escape(self.url)}{re.escape(path)}\?\S+", text)
        return link


@pytest.fixture(scope="module", params=["header", "cookie"], ids=lambda transport: f"token_transport={transport}")
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path
) -> Iterator[Site]:
    """The render served on http://localhost:<port>, trusting the real OpenID provider of the social login tests."""
    transport = request.param
    port = free_loopback_port()
    url = f"http://localhost:{port}"
    client = Client(f"pages-{transport}", "the-client-secret-of-the-pages", [f"{url}/signed-in"])
    with openid_provider([client], tmp_path_factory.mktemp(f"pages-{transport}-provider")) as provider:
        providers = {
            "test": {
                "name": "Test provider",
                "issuer": provider.issuer,
                "client_id": client.client_id,
                "client_secret": client.client_secret,
            }
        }
        with local_deployment(
            tmp_path_factory,
            cookiecutter_config,
            f"pages-{transport}",
            redis_urls=(),
            answers={"token_transport": transport, "use_social_login": "y"},
            OIDC_PROVIDERS=json.dumps(providers),
            OIDC_ALLOWED_REDIRECT_URIS=f"{url}/signed-in",
            FRONTEND_URL=url,
            WEBAUTHN_RP_ID="localhost",
            WEBAUTHN_ORIGINS=url,
        ) as deployment:
            deployment.environment["DJANGO_ALLOWED_HOSTS"] = "localhost,127.0.0.1"
            # As `make serve` does first: the catalogues the pages' texts are read from.
            compiled = run([deployment.bin / "django-admin", "compilemessages"], cwd=deployment.path / deployment.slug)
            assert compiled.returncode == 0, describe(compiled)
            command = [
                deployment.bin / "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ]
            process = deployment.start("gunicorn", command)
            try:
                wait_until_serving(f"http://127.0.0.1:{port}", process, deployment, "gunicorn")
                yield Site(transport, url, deployment)
            finally:
                stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    CHROMIUM.require()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGUMENTS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_script()


class Visit:
    """One browser profile on the site: every page it shows is checked by axe-core, and its last page is
    saved as the test's screenshot."""

    def __init__(self, browser: Browser, site: Site, axe: str, name: str, **options) -> None:
        self.site = site
        self.axe = axe
        self.name = name
        # axe-core is injected as an inline script, which the pages' Content-Security-Policy forbids.
        self.context: BrowserContext = browser.new_context(**{"locale": "en-US", "bypass_csp": True, **options})
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, path: str = "/") -> Page:
        self.page.goto(path if path.startswith("http") else f"{self.site.url}{path}")
        expect(self.page.locator("h1")).to_be_visible()
        return self.page

    def heading(self, text: str) -> None:
        expect(self.page.locator("h1")).to_have_text(text)
        self.check_accessibility()

    def check_accessibility(self) -> None:
        """axe-core's serious and critical violations on the page as it is now: none."""
        if not self.page.evaluate("() => Boolean(window.axe)"):
            self.page.add_script_tag(content=self.axe)
        results = self.page.evaluate("async () => JSON.stringify((await axe.run(document)).violations)")
        serious = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            f"{[node['target'] for node in violation['nodes']]}"
            for violation in json.loads(results)
            if violation["impact"] in SERIOUS
        ]
        assert not serious, f"{self.page.url}: axe-core finds serious or critical violations:\n" + "\n".join(serious)

    def close(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"{self.name}-{self.site.transport}.png", full_page=True)
        self.context.close()
        assert not self.errors, f"the pages' script threw: {self.errors}"

    def sign_in_with_password(self, email: str, password: str = PASSWORD) -> None:
        page = self.open("/")
        self.heading("Sign in")
        page.get_by_label("Email and password", exact=True).check()
        page.get_by_label("Email", exact=True).fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Continue", exact=True).click()


@pytest.fixture
def visit(browser: Browser, site: Site, axe: str, request: pytest.FixtureRequest):
    """visit(): a fresh browser profile on the site, closed (with its screenshot) at the end of the test."""
    opened: list[Visit] = []

    def open_visit(suffix: str = "", **options) -> Visit:
        name = request.node.originalname.removeprefix("test_") + suffix
        opened.append(Visit(browser, site, axe, name, **options))
        return opened[-1]

    yield open_visit
    for one in reversed(opened):
        one.close()


def expect_account_page(visitor: Visit, email: str) -> None:
    visitor.heading("Your account")
    expect(visitor.page.locator(".signed-in-as")).to_contain_text(email)


def test_the_root_of_a_fresh_render_is_the_sign_in_page(visit, site):
    visitor = visit()
    visitor.open("/")
    visitor.heading("Sign in")
    expect(visitor.page.get_by_role("radio", name="Code by email", exact=True)).to_be_visible()


def test_sign_in_by_password(visit, site):
    site.create_user("password@example.com")
    visitor = visit()
    visitor.sign_in_with_password("password@example.com")
    expect_account_page(visitor, "password@example.com")


def test_a_wrong_password_is_shown_and_announced_on_the_form(visit, site):
    site.create_user("wrong@example.com")
    visitor = visit()
    visitor.sign_in_with_password("wrong@example.com", "not the password at all")
    alert = visitor.page.locator(".form-error")
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    visitor.check_accessibility()


def test_sign_in_by_email_code(visit, site):
    site.create_user("code@example.com")
    visitor = visit()
    page = visitor.open("/")
    page.get_by_label("Code by email", exact=True).check()
    page.get_by_label("Email", exact=True).fill("code@example.com")
    page.get_by_role("button", name="Continue", exact=True).click()
    code_field = page.get_by_label("Code", exact=True)
    expect(code_field).to_be_focused()
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    visitor.check_accessibility()
    [text] = site.emails_to("code@example.com")
    code_field.fill(CODE.search(text).group(1))
    page.get_by_role("button", name="Continue", exact=True).click()
    expect_account_page(visitor, "code@example.com")


def test_register_follow_the_activation_link_and_sign_in(visit, site):
    visitor = visit()
    page = visitor.open("/")
    page.get_by_role("link", name="Create an account").click()
    visitor.heading("Create an account")
    page.get_by_label("Email", exact=True).fill("new@example.com")
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("First name").fill("Ada")
    page.get_by_role("button", name="Create an account").click()
    expect(page.locator(".notice")).to_contain_text("Check your inbox")
    [text] = site.emails_to("new@example.com")
    visitor.open(site.link_in(text, "/activate"))
    visitor.heading("Activate your account")
    expect(page.locator(".notice")).to_contain_text("Your account is active")
    assert "token=" not in page.url, "the link's token leaves the address bar once read"
    page.get_by_role("link", name="Sign in").click()
    visitor.sign_in_with_password("new@example.com")
    expect_account_page(visitor, "new@example.com")


def test_reset_the_password_by_the_emailed_link_and_sign_in_with_it(visit, site):
    site.create_user("reset@example.com")
    visitor = visit()
    page = visitor.open("/")
    page.get_by_role("link", name="Forgot your password?").click()
    visitor.heading("Reset your password")
    page.get_by_label("Email", exact=True).fill("reset@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".notice")).to_contain_text("we have sent it a link")
    [text] = site.emails_to("reset@example.com")
    visitor.open(site.link_in(text, "/reset-password"))
    visitor.heading("Reset your password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the password").click()
    expect(page.locator(".notice")).to_contain_text("Your new password is set")
    visitor.sign_in_with_password("reset@example.com", NEW_PASSWORD)
    expect_account_page(visitor, "reset@example.com")


def test_every_page_fits_a_360_pixel_screen_in_the_dark_colour_scheme(visit, site):
    site.create_user("narrow@example.com")
    # axe-core checks the contrast of the dark colours too.
    visitor = visit(viewport=NARROW_VIEWPORT, color_scheme="dark")
    for path, heading in [
        ("/sign-up", "Create an account"),
        ("/reset-password", "Reset your password"),
        ("/activate?uid=MQ&token=wrong", "Activate your account"),
        ("/confirm-email?uid=MQ&token=wrong", "Confirm your new email address"),
    ]:
        visitor.open(path)
        visitor.heading(heading)
        assert visitor.page.evaluate("() => document.documentElement.scrollWidth") <= NARROW_VIEWPORT["width"], path
    visitor.sign_in_with_password("narrow@example.com")
    expect_account_page(visitor, "narrow@example.com")
    width = visitor.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW_VIEWPORT["width"], f"the account page scrolls sideways at 360 px ({width} px wide)"


def test_the_pages_work_with_the_keyboard_alone(visit, site):
    site.create_user("keyboard@example.com")
    visitor = visit()
    page = visitor.open("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the content")).to_be_focused()
    # To the first field of the form by Tab, in the order of the page.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "email":
            break
    page.keyboard.type("keyboard@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect_account_page(visitor, "keyboard@example.com")


def test_the_account_page_changes_the_profile(visit, site):
    site.create_user("profile@example.com")
    visitor = visit()
    visitor.sign_in_with_password("profile@example.com")
    expect_account_page(visitor, "profile@example.com")
    page = visitor.page
    page.get_by_label("First name").fill("Grace")
    page.locator("#profile").get_by_role("button", name="Save").click()
    expect(page.locator("#status")).to_have_text("Saved.")
    page.reload()
    if site.transport == "cookie":
        expect(page.get_by_label("First name")).to_have_value("Grace")
    else:
        # Tokens held in memory go with the document: a reload signs the tab out.
        visitor.heading("Sign in")


def test_end_another_session(visit, site):
    site.create_user("sessions@example.com")
    other = visit("-other")
    other.sign_in_with_password("sessions@example.com")
    expect_account_page(other, "sessions@example.com")
    visitor = visit()
    visitor.sign_in_with_password("sessions@example.com")
    expect_account_page(visitor, "sessions@example.com")
    sessions = visitor.page.locator("#sessions li")
    expect(sessions).to_have_count(2)
    sessions.filter(has_not_text="This session").get_by_role("button", name="Sign out").click()
    expect(sessions).to_have_count(1)
    expect(sessions).to_contain_text("This session")
    visitor.check_accessibility()


def test_delete_the_account(visit, site):
    site.create_user("delete@example.com")
    visitor = visit()
    visitor.sign_in_with_password("delete@example.com")
    expect_account_page(visitor, "delete@example.com")
    page = visitor.page
    page.locator("#delete").get_by_label("Current password").fill(PASSWORD)
    page.locator("#delete").get_by_role("button", name="Delete my account").click()
    visitor.heading("Sign in")
    expect(page.locator("#status")).to_have_text("Your account has been deleted.")
    visitor.sign_in_with_password("delete@example.com")
    expect(page.locator(".form-error")).to_be_visible()


def totp_code(site: Site, secret: str, *, window_offset: int = 0) -> str:
    """The code of `secret` now (or `window_offset` windows on), by pyotp in the render's venv."""
    code = (
        f"import pyotp, time; totp = pyotp.TOTP({secret!r}); "
        f"print(totp.at(time.time() + {window_offset} * totp.interval))"
    )
    result = run([site.deployment.bin / "python", "-c", code], cwd=site.deployment.path)
    assert result.returncode == 0, describe(result)
    return result.stdout.strip()


def wait_for_the_next_totp_window(site: Site) -> None:
    """A code is accepted once: wait until the window after the one whose code was used."""
    result = run([site.deployment.bin / "python", "-c", "import time; print(30 - time.time() % 30)"], cwd=site.deployment.path)
    time.sleep(float(result.stdout) + 0.5)


def test_set_up_totp_then_sign_in_with_its_code(visit, site):
    site.create_user("totp@example.com")
    visitor = visit()
    visitor.sign_in_with_password("totp@example.com")
    expect_account_page(visitor, "totp@example.com")
    page = visitor.page
    factors = page.locator("#factors")
    factors.get_by_role("button", name="Set up").click()
    expect(factors.get_by_role("img", name="QR code to scan with an authenticator app")).to_be_visible()
    visitor.check_accessibility()
    secret = factors.locator(".secret").inner_text()
    factors.get_by_label("Code from the app").fill(totp_code(site, secret))
    factors.get_by_role("button", name="Turn on").click()
    codes = factors.locator(".codes li")
    expect(codes).to_have_count(10)
    visitor.check_accessibility()
    page.get_by_role("button", name="Sign out").first.click()
    visitor.heading("Sign in")
    wait_for_the_next_totp_window(site)
    visitor.sign_in_with_password("totp@example.com")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    visitor.check_accessibility()
    page.get_by_label("Code", exact=True).fill(totp_code(site, secret))
    page.get_by_role("button", name="Continue", exact=True).click()
    expect_account_page(visitor, "totp@example.com")


def add_virtual_authenticator(visitor: Visit) -> None:
    """A virtual authenticator of the DevTools protocol in the visitor's page: a platform passkey that verifies
    its user."""
    cdp = visitor.context.new_cdp_session(visitor.page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_add_a_passkey_sign_out_and_sign_in_with_it(visit, site):
    site.create_user("passkey@example.com")
    visitor = visit()
    add_virtual_authenticator(visitor)
    visitor.sign_in_with_password("passkey@example.com")
    expect_account_page(visitor, "passkey@example.com")
    page = visitor.page
    factors = page.locator("#factors")
    factors.get_by_label("Name of the new passkey").fill("Laptop")
    factors.get_by_role("button", name="Add a passkey").click()
    expect(factors.locator(".rows")).to_contain_text("Laptop")
    visitor.check_accessibility()
    page.get_by_role("button", name="Sign out").first.click()
    visitor.heading("Sign in")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect_account_page(visitor, "passkey@example.com")
    factors = page.locator("#factors")
    factors.locator(".rows li", has_text="Laptop").get_by_role("button", name="Remove").click()
    expect(factors).to_contain_text("No passkeys yet.")


def test_change_the_email_address_by_the_emailed_link(visit, site):
    site.create_user("old-address@example.com")
    visitor = visit()
    visitor.sign_in_with_password("old-address@example.com")
    expect_account_page(visitor, "old-address@example.com")
    page = visitor.page
    page.locator("#email").get_by_label("New email address").fill("new-address@example.com")
    page.locator("#email").get_by_role("button", name="Change email address").click()
    expect(page.locator("#status")).to_contain_text("Check the new address's inbox")
    [text] = site.emails_to("new-address@example.com")
    visitor.open(site.link_in(text, "/confirm-email"))
    visitor.heading("Confirm your new email address")
    expect(page.locator(".notice")).to_contain_text("Your email address is changed")
    # A fresh browser profile (this one's session, with cookies, is still signed in, as it should be).
    visitor.context.clear_cookies()
    visitor.sign_in_with_password("new-address@example.com")
    expect_account_page(visitor, "new-address@example.com")


def test_sign_in_with_a_social_provider(visit, site):
    visitor = visit()
    page = visitor.open("/")
    page.get_by_role("button", name="Continue with Test provider").click()
    # The provider's own development sign-in and consent pages.
    page.locator("input[name=login]").fill("social@example.com")
    page.locator("input[name=password]").fill("any password will do")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{site.url}/**")
    expect_account_page(visitor, "social@example.com")
    expect(page.locator("#identities")).to_contain_text("Test provider")


# Settings of the same render whose sensitive actions want a sign-in of the last two seconds.
IMPATIENT_SETTINGS = """from datetime import timedelta

from .local import *  # noqa: F403
from .local import GATEHOUSE

GATEHOUSE["REAUTHENTICATION_MAX_AGE"] = timedelta(seconds=2)
"""


@pytest.fixture(scope="module")
def impatient_site(site: Site) -> Iterator[Site]:
    """The site's render served once more, asking for a reauthentication two seconds after a sign-in."""
    deployment = site.deployment
    (deployment.path / "config" / "settings" / "impatient.py").write_text(IMPATIENT_SETTINGS)
    port = free_loopback_port()
    url = f"http://localhost:{port}"
    command = [deployment.bin / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    process = deployment.start(
        "gunicorn-impatient",
        command,
        DJANGO_SETTINGS_MODULE="config.settings.impatient",
        FRONTEND_URL=url,
        WEBAUTHN_ORIGINS=url,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process, deployment, "gunicorn-impatient")
        yield Site(site.transport, url, deployment)
    finally:
        stop(process)


def test_a_sensitive_action_asks_for_the_password_again_when_the_sign_in_is_old(browser, impatient_site, axe):
    impatient_site.create_user("reauthenticate@example.com")
    visitor = Visit(browser, impatient_site, axe, "a_sensitive_action_asks_for_the_password_again")
    try:
        visitor.sign_in_with_password("reauthenticate@example.com")
        expect_account_page(visitor, "reauthenticate@example.com")
        page = visitor.page
        time.sleep(3)
        password = page.locator("#password")
        password.get_by_label("Current password").fill(PASSWORD)
        password.get_by_label("New password").fill(NEW_PASSWORD)
        password.get_by_role("button", name="Change password").click()
        dialog = page.get_by_role("dialog", name="Confirm it is you")
        expect(dialog).to_be_visible()
        visitor.check_accessibility()
        dialog.get_by_label("Current password").fill(PASSWORD)
        dialog.get_by_role("button", name="Confirm").click()
        expect(dialog).to_be_hidden()
        expect(page.locator("#status")).to_contain_text("Your password is changed")
    finally:
        visitor.close()


def test_an_error_of_the_api_is_shown_beside_its_field(visit, site):
    visitor = visit()
    page = visitor.open("/sign-up")
    visitor.heading("Create an account")
    page.get_by_label("Email", exact=True).fill("short-password@example.com")
    password = page.get_by_label("New password")
    password.fill("short")
    page.get_by_role("button", name="Create an account").click()
    # The API's error for `attr: password`, tied to the field and announced with the form's alert.
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_be_focused()
    error_id = password.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_contain_text("too short")
    expect(page.locator(".form-error")).to_be_visible()
    visitor.check_accessibility()


def test_the_pages_speak_the_browser_language(visit, site):
    visitor = visit(locale="fr-FR")
    page = visitor.open("/")
    visitor.heading("Se connecter")
    # The scenarios' names come from options/, translated by the API for the same Accept-Language.
    expect(page.get_by_role("radio", name="Code par e-mail", exact=True)).to_be_visible()


def test_a_passkey_confirms_a_sensitive_action_when_the_sign_in_is_old(browser, impatient_site, axe):
    impatient_site.create_user("reauthenticate-passkey@example.com")
    visitor = Visit(browser, impatient_site, axe, "a_passkey_confirms_a_sensitive_action")
    try:
        add_virtual_authenticator(visitor)
        visitor.sign_in_with_password("reauthenticate-passkey@example.com")
        expect_account_page(visitor, "reauthenticate-passkey@example.com")
        page = visitor.page
        factors = page.locator("#factors")
        dialog = page.get_by_role("dialog", name="Confirm it is you")
        time.sleep(3)
        factors.get_by_label("Name of the new passkey").fill("Laptop")
        factors.get_by_role("button", name="Add a passkey").click()
        # Without a passkey yet, the password confirms it.
        dialog.get_by_label("Current password").fill(PASSWORD)
        dialog.get_by_role("button", name="Confirm").click()
        expect(factors.locator(".rows")).to_contain_text("Laptop")
        time.sleep(3)
        factors.locator(".rows li", has_text="Laptop").get_by_role("button", name="Remove").click()
        expect(dialog).to_be_visible()
        visitor.check_accessibility()
        dialog.get_by_role("button", name="Use a passkey").click()
        expect(dialog).to_be_hidden()
        expect(factors).to_contain_text("No passkeys yet.")
    finally:
        visitor.close()
