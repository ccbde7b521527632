"""Refresh and logout as a client of this project's token transport does, so that one test serves every transport.

{% if cookiecutter.token_transport == "header" -%}
The tokens travel in JSON bodies: a login or a refresh answers them, `token/refresh/` and
`logout/` read the refresh token from the body.
{% else -%}
The tokens travel in cookies: a login or a refresh sets them, `token/refresh/` and `logout/`
read the refresh cookie and need the CSRF token of `csrf/`, as the frontend sends them.
{% endif -%}
"""

from __future__ import annotations

from typing import Any, NamedTuple

{% if cookiecutter.token_transport != "header" -%}
from django.conf import settings
{% endif -%}
from rest_framework.test import APIClient
{%- if cookiecutter.token_transport != "header" %}

from {{ cookiecutter.project_slug }}.authn.conf import auth_cookie_names
{%- endif %}

REFRESH_URL = "/api/auth/token/refresh/"
LOGOUT_URL = "/api/auth/logout/"
LOGOUT_ALL_URL = "/api/auth/logout/all/"
{%- if cookiecutter.token_transport != "header" %}
CSRF_URL = "/api/auth/csrf/"
{%- endif %}


class Tokens(NamedTuple):
    """The token pair that an answer hands the client."""

    access: str
    refresh: str


def tokens_of(response: Any) -> Tokens:
    """The tokens of a completed login or of a refresh: {% if cookiecutter.token_transport == "header" %}in its body{% else %}in the cookies it sets{% endif %}."""
    assert response.status_code == 200, (response.status_code, response.content)
    {%- if cookiecutter.token_transport == "header" %}
    body = response.json()
    return Tokens(body["access"], body["refresh"])
    {%- else %}
    cookies = response.cookies
    return Tokens(
        cookies[auth_cookie_names().access].value,
        cookies[auth_cookie_names().refresh].value,
    )
    {%- endif %}


def refresh(client: APIClient, token: str) -> Any:
    """`POST token/refresh/` with `token` as the refresh token."""
    {%- if cookiecutter.token_transport == "header" %}
    return client.post(REFRESH_URL, {"refresh": token}, format="json")
    {%- else %}
    return client.post(REFRESH_URL, format="json", **with_refresh_cookie(client, token))
    {%- endif %}


def logout(client: APIClient, token: str) -> Any:
    """`POST logout/` with `token` as the refresh token."""
    {%- if cookiecutter.token_transport == "header" %}
    return client.post(LOGOUT_URL, {"refresh": token}, format="json")
    {%- else %}
    return client.post(LOGOUT_URL, format="json", **with_refresh_cookie(client, token))
    {%- endif %}
{%- if cookiecutter.token_transport != "header" %}


def with_refresh_cookie(client: APIClient, token: str) -> dict[str, str]:
    """Request keyword arguments that send `token` as the refresh cookie, with the CSRF token of `csrf/`.

    Only these cookies go with the request, whatever the client holds from earlier answers.
    """
    csrf_token = client.get(CSRF_URL).json()["csrf"]
    csrf_cookie = client.cookies[settings.CSRF_COOKIE_NAME].value
    cookies = f"{auth_cookie_names().refresh}={token}; {settings.CSRF_COOKIE_NAME}={csrf_cookie}"
    return {"HTTP_COOKIE": cookies, settings.CSRF_HEADER_NAME: csrf_token}
{%- endif %}
