"""Helpers of the account tests: post to the account endpoints over HTTP, and read the links they email.

Emails leave through the outbox once the request's transaction commits; `AccountClient`
runs those commit callbacks like a real commit does, so that with tasks run inline the
email is in `mail.outbox` when the call returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.accounts.link_tokens import (
    AccountTokenGenerator,
)
from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings

AUTH_PREFIX = "/api/auth/"
LINK_PATTERN = re.compile(r"https?://[^\s\"<>]+")


class AccountClient:
    """Posts JSON to `/api/auth/<path>` and runs what the request queued on commit (its emails)."""

    def __init__(self, client: APIClient, capture_on_commit_callbacks: Callable[..., Any]) -> None:
        self.client = client
        self.capture_on_commit_callbacks = capture_on_commit_callbacks

    def post(self, path: str, body: Any, **kwargs: Any) -> Any:
        with self.capture_on_commit_callbacks(execute=True):
            return self.client.post(f"{AUTH_PREFIX}{path}", body, format="json", **kwargs)

    def raw(self, path: str, content: str | bytes, content_type: str = "application/json") -> Any:
        """POST `content` exactly as given."""
        with self.capture_on_commit_callbacks(execute=True):
            return self.client.post(f"{AUTH_PREFIX}{path}", content, content_type=content_type)


def emails_to(address: str) -> list[mail.EmailMessage]:
    """The emails sent so far to `address`."""
    return [message for message in mail.outbox if message.to == [address]]


def links_in(message: mail.EmailMessage) -> list[str]:
    """Every link in the text body of `message`."""
    return LINK_PATTERN.findall(message.body)


def link_params(message: mail.EmailMessage, path: str) -> dict[str, str]:
    """`uid` and `token` of the one link in `message` to FRONTEND_URL + `path`."""
    expected = f"{settings.FRONTEND_URL.rstrip('/')}{path}"
    links = [link for link in links_in(message) if link.split("?")[0] == expected]
    assert len(links) == 1, f"expected one link to {expected} in the email, found {links_in(message)}"
    query = parse_qs(urlsplit(links[0]).query)
    assert set(query) == {"uid", "token"}, query
    return {"uid": query["uid"][0], "token": query["token"][0]}


def activation_params(message: mail.EmailMessage) -> dict[str, str]:
    """`uid` and `token` of the activation link in `message`."""
    return link_params(message, gatehouse_settings.ACTIVATION_URL_PATH)


def reset_params(message: mail.EmailMessage) -> dict[str, str]:
    """`uid` and `token` of the password reset link in `message`."""
    return link_params(message, gatehouse_settings.PASSWORD_RESET_URL_PATH)


def travel(monkeypatch: pytest.MonkeyPatch, delta: timedelta) -> None:
    """Make link tokens see the clock `delta` ahead (they read it through `_now`)."""
    monkeypatch.setattr(AccountTokenGenerator, "_now", lambda self: datetime.now() + delta)


def error_codes(response: Any) -> set[tuple[str, str | None]]:
    """The (code, attr) of every entry of an error answer."""
    return {(entry["code"], entry["attr"]) for entry in response.json()["errors"]}
