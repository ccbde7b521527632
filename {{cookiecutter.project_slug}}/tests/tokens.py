"""Helpers for tests that make or send tokens by hand."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.conf import settings

{% if cookiecutter.token_transport != "header" -%}
from {{ cookiecutter.project_slug }}.authn.conf import auth_cookie_names
{% endif -%}
from {{ cookiecutter.project_slug }}.authn.keys import key_id, public_key_pem

# Pass as a claim's value to leave the claim out of a hand-made token.
OMIT = object()


def b64url(data: bytes | dict[str, Any]) -> str:
    """Base64url without padding, as in a JWT segment; dicts are JSON-encoded first."""
    if isinstance(data, dict):
        data = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def bearer(token: str) -> dict[str, str]:
    """The APIClient keyword arguments that send `token` as a Bearer access token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def authenticated(token: str) -> dict[str, str]:
    """The APIClient keyword arguments that present `token` as an access token, as this project's transport
    reads one: {% if cookiecutter.token_transport == "header" %}a Bearer header{% else %}the access cookie, as a browser sends it after a login{% endif %}.

    The test client skips CSRF checks (Django's `enforce_csrf_checks=False`); the transport's own
    tests enforce them.
    """
    {%- if cookiecutter.token_transport == "header" %}
    return bearer(token)
    {%- else %}
    return {"HTTP_COOKIE": f"{auth_cookie_names().access}={token}"}
    {%- endif %}


def signing_key_id() -> str | None:
    """The `kid` of the test signing key (config/settings/test.py), as issued tokens name it; None for HS256."""
    algorithm = settings.SIMPLE_JWT["ALGORITHM"]
    if algorithm.startswith("HS"):
        return None
    return key_id(public_key_pem(settings.TEST_JWT_SIGNING_KEY), algorithm)
