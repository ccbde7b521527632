"""The account pages are served at `/` and at the paths of the emailed links, in the request's language,
with their scripts and styles from this origin only."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.pages.views import PAGES

from ..accounts.helpers import links_in
from ..factories import UserFactory

PASSWORD = "sturdy lantern orchard"
CONFIG = re.compile(r'<script id="pages-config" type="application/json">(.+?)</script>', re.DOTALL)
ASSET = re.compile(r'(?:src|href)="([^"]+\.(?:js|css))"')


@pytest.fixture
def browser() -> Client:
    return Client()


def page_config(response) -> dict:
    [config] = CONFIG.findall(response.content.decode())
    return json.loads(config)


def test_the_root_is_the_sign_in_page(browser):
    response = browser.get("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "<title>Sign in</title>" in response.content.decode()
    assert page_config(response)["page"] == "sign-in"


@pytest.mark.parametrize(
    ("setting", "page"),
    [
        ("ACTIVATION_URL_PATH", "activate"),
        ("PASSWORD_RESET_URL_PATH", "reset-password"),
        ("EMAIL_CHANGE_URL_PATH", "confirm-email"),
    ],
)
def test_the_page_of_each_emailed_link_is_served_at_its_path(browser, setting, page):
    response = browser.get(f"{getattr(gatehouse_settings, setting)}?uid=MQ&token=abc-def")
    assert response.status_code == 200, f"{setting}: the page an emailed link opens must be served"
    assert page_config(response)["page"] == page


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_one_document_that_knows_every_page_path(browser, page):
    config = page_config(browser.get(f"/{page}" if page != "sign-in" else "/"))
    assert set(config["paths"]) == set(PAGES), "the script moves between pages without reloading the document"
    assert config["api"] == "/api/auth/"


def test_the_pages_say_whether_tokens_travel_in_cookies(browser):
    config = page_config(browser.get("/"))
    {%- if cookiecutter.token_transport == "header" %}
    assert config["cookies"] is False, "with header transport the pages keep tokens in memory"
    {%- else %}
    assert config["cookies"] is True, "with cookies the pages never see a token, and send the CSRF token"
    {%- endif %}


def test_the_pages_list_the_endpoints_this_project_routes(browser):
    endpoints = page_config(browser.get("/"))["endpoints"]
    expected = {"login:options", "login:login", "authn:me", "sessions:sessions", "accounts:password-reset"}
    assert expected <= set(endpoints)
    {%- if cookiecutter.use_registration == "y" %}
    assert "accounts:register" in endpoints, "the sign-in page offers sign-up when register/ is routed"
    {%- else %}
    assert "accounts:register" not in endpoints, "no sign-up is offered without registration"
    {%- endif %}


def test_the_pages_are_served_whichever_endpoints_are_routed(browser, enabled_endpoints):
    enabled_endpoints(["me"])
    response = browser.get("/")
    assert response.status_code == 200
    config = page_config(response)
    assert config["endpoints"] == ["authn:me"]
    assert config["api"] == "/api/auth/"


def test_the_pages_follow_the_browser_language(browser):
    response = browser.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "<title>Se connecter</title>" in html
    texts = page_config(response)["texts"]
    assert texts["titles"]["account"] == "Votre compte", "the script's texts come translated from the server"


def test_scripts_and_styles_come_from_this_origin_and_are_served(browser):
    response = browser.get("/")
    assets = ASSET.findall(response.content.decode())
    assert assets, "the page loads its script and its stylesheet"
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), f"{asset}: nothing from another origin (no CDN)"
        assert browser.get(asset).status_code == 200, f"{asset} must be served"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_pages_answer_only_get(browser, method):
    response = getattr(browser, method)("/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_a_password_reset_email_links_to_the_reset_page(browser, django_capture_on_commit_callbacks):
    UserFactory(email="reset@example.com", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/api/auth/password/reset/", {"email": "reset@example.com"}, content_type="application/json")
    [message] = [message for message in mail.outbox if message.to == ["reset@example.com"]]
    [link] = [link for link in links_in(message) if urlsplit(link).path == gatehouse_settings.PASSWORD_RESET_URL_PATH]
    assert link.startswith(settings.FRONTEND_URL.rstrip("/") + "/")
    opened = browser.get(f"{urlsplit(link).path}?{urlsplit(link).query}")
    assert opened.status_code == 200
    assert page_config(opened)["page"] == "reset-password"
{%- if cookiecutter.use_registration == "y" %}


@pytest.mark.django_db
def test_an_activation_email_links_to_the_activation_page(browser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            "/api/auth/register/", {"email": "new@example.com", "password": PASSWORD}, content_type="application/json"
        )
    [message] = [message for message in mail.outbox if message.to == ["new@example.com"]]
    [link] = [link for link in links_in(message) if urlsplit(link).path == gatehouse_settings.ACTIVATION_URL_PATH]
    opened = browser.get(f"{urlsplit(link).path}?{urlsplit(link).query}")
    assert opened.status_code == 200
    assert page_config(opened)["page"] == "activate"
{%- endif %}
