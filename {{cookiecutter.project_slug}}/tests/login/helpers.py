"""Helpers of the scenario login tests: drive `login/<scenario>/` over HTTP and read what it sends.

The tests enable the scenarios they exercise through settings, so they run whichever
scenarios this project was generated with.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.authn import signals
from {{ cookiecutter.project_slug }}.authn.conf import gatehouse_settings
from {{ cookiecutter.project_slug }}.login.scenarios import (
    EmailCodeScenario,
    PasswordAndEmailCodeScenario,
    PasswordScenario,
)

BUILTIN_SCENARIOS = (PasswordScenario, EmailCodeScenario, PasswordAndEmailCodeScenario)
OPTIONS_URL = "/api/auth/options/"
ERROR_ENTRY_KEYS = {"code", "detail", "attr"}
LOGIN_SIGNALS = ("login_started", "step_completed", "login_succeeded", "login_failed")


def dotted_path(cls: type) -> str:
    """The dotted path that names `cls` in GATEHOUSE["LOGIN_SCENARIOS"]."""
    return f"{cls.__module__}.{cls.__qualname__}"


def enable_scenarios(settings: Any, *scenarios: type, **gatehouse: Any) -> None:
    """Offer exactly `scenarios`, in order, with other GATEHOUSE values changed by `gatehouse`."""
    settings.GATEHOUSE = {
        **settings.GATEHOUSE,
        "LOGIN_SCENARIOS": [dotted_path(scenario) for scenario in scenarios],
        **gatehouse,
    }


def login_url(scenario: str) -> str:
    return f"/api/auth/login/{scenario}/"


class LoginClient:
    """Posts login steps as JSON and, like a committed transaction, runs what they queued (the emails)."""

    def __init__(self, client: APIClient, capture_on_commit_callbacks: Callable[..., Any]) -> None:
        self.client = client
        self.capture_on_commit_callbacks = capture_on_commit_callbacks

    def step(self, scenario: str, body: Any, **kwargs: Any) -> Any:
        """POST `body` as JSON to `login/<scenario>/`."""
        with self.capture_on_commit_callbacks(execute=True):
            return self.client.post(login_url(scenario), body, format="json", **kwargs)

    def raw(self, scenario: str, content: str | bytes, content_type: str = "application/json") -> Any:
        """POST `content` exactly as given, for bodies that are not the JSON of a Python value."""
        with self.capture_on_commit_callbacks(execute=True):
            return self.client.post(login_url(scenario), content, content_type=content_type)


def emailed_code(message: mail.EmailMessage | None = None) -> str:
    """The one-time code in `message` (by default the last email sent)."""
    message = message or mail.outbox[-1]
    length = gatehouse_settings.EMAIL_CODE_LENGTH
    found = [number for number in re.findall(r"\b[0-9]+\b", message.body) if len(number) == length]
    assert len(found) == 1, f"expected one {length}-digit code in the email, found {found}"
    return found[0]


def other_code(code: str) -> str:
    """A well-formed code that is not `code`."""
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def assert_error(response: Any, status: int, code: str, attr: str | None = None) -> None:
    """`response` is the API's JSON error shape, with one entry of `code` about `attr`."""
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    assert all(set(entry) == ERROR_ENTRY_KEYS for entry in body["errors"]), body
    assert {"code": code, "attr": attr} in [{"code": e["code"], "attr": e["attr"]} for e in body["errors"]], body


def assert_needs_step(response: Any, next_step: str) -> dict[str, Any]:
    """`response` asks for `next_step` of an unfinished flow; returns its body."""
    assert response.status_code == 200, (response.status_code, response.content)
    body = response.json()
    # `options`: what some steps need besides their schema (a passkey step's request options).
    assert set(body) - {"options"} == {"status", "flow", "next_step", "schema", "expires_in"}, body
    assert body["status"] == "needs_step", body
    assert body["next_step"] == next_step, body
    return body


def assert_complete(response: Any, user: Any) -> dict[str, Any]:
    """`response` completes the login of `user`; returns its body."""
    assert response.status_code == 200, (response.status_code, response.content)
    body = response.json()
    assert body["status"] == "complete", body
    assert set(body["user"]) == {"id", "email", "first_name", "last_name", "groups"}, body
    assert body["user"]["email"] == user.email, body
    return body


def token_payload(token: str) -> dict[str, Any]:
    """The readable payload of a signed flow token (signing gives integrity, not secrecy)."""
    encoded = token.split(":")[0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def advance_clock(monkeypatch: pytest.MonkeyPatch, module: str, seconds: float) -> None:
    """Make `module` (one that did `import time`) see the clock `seconds` ahead; others keep the real one."""
    real_time = time.time
    monkeypatch.setattr(f"{module}.time", SimpleNamespace(time=lambda: real_time() + seconds))


@contextmanager
def captured_signals(*names: str) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """The authn signals called `names` that are sent inside the block, as (name, arguments), in order."""
    sent: list[tuple[str, dict[str, Any]]] = []
    receivers = {}
    for name in names:

        def receiver(sender: Any, signal: Any, _name: str = name, **kwargs: Any) -> None:
            sent.append((_name, kwargs))

        receivers[name] = receiver
        getattr(signals, name).connect(receiver)
    try:
        yield sent
    finally:
        for name, receiver in receivers.items():
            getattr(signals, name).disconnect(receiver)
