"""A rendered project served by gunicorn on loopback with one user, and plain HTTP calls to it.

Shared by the tests that drive a served render as an outside client does (test_schemathesis.py,
test_typed_client.py).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from .deployment import (
    NO_PROXY_OPENER,
    local_deployment,
    stop,
    wait_until_serving,
)
from .smtp_sink import free_loopback_port

# The user every served render has.
EMAIL = "served-user@example.com"
PASSWORD = "sturdy lantern orchard"


@contextmanager
def served(
    tmp_path_factory: pytest.TempPathFactory,
    cookiecutter_config: Path,
    name: str,
    answers: dict[str, str],
):
    """`answers` rendered, migrated and served by gunicorn on loopback, with one user; (base URL, deployment)."""
    with local_deployment(
        tmp_path_factory, cookiecutter_config, name, redis_urls=(), answers=answers
    ) as deployment:
        deployment.shell(
            f"from django.contrib.auth import get_user_model; get_user_model().objects.create_user({EMAIL!r}, "
            f"{PASSWORD!r}); print('created')"
        )
        url = f"http://127.0.0.1:{free_loopback_port()}"
        command = [
            deployment.bin / "gunicorn",
            "config.wsgi:application",
            "--bind",
            url.removeprefix("http://"),
            "--workers",
            "2",
        ]
        process = deployment.start("gunicorn", command)
        try:
            wait_until_serving(url, process, deployment, "gunicorn")
            yield url, deployment
        finally:
            stop(process)


def send(
    url: str,
    method: str,
    body: dict | None = None,
    headers: dict[str, str] | None = None,
):
    """The status, JSON body and cookies set by the answer to one request."""
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method=method,
    )
    try:
        with NO_PROXY_OPENER.open(request, timeout=30) as response:
            status, content, set_cookies = (
                response.status,
                response.read(),
                response.headers.get_all("Set-Cookie"),
            )
    except urllib.error.HTTPError as error:
        status, content, set_cookies = (
            error.code,
            error.read(),
            error.headers.get_all("Set-Cookie"),
        )
    cookies: SimpleCookie = SimpleCookie()
    for header in set_cookies or []:
        cookies.load(header)
    return (
        status,
        json.loads(content) if content else None,
        {name: morsel.value for name, morsel in cookies.items()},
    )
