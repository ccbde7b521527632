"""The schema describes the requests and answers of the session endpoints as the token transport has them.

(Which endpoints are routed: tests/authn/test_endpoints.py.)
"""

import pytest

from ..openapi import assert_operation, openapi_schema
from .helpers import LOGOUT_ALL_URL, LOGOUT_URL, REFRESH_URL

pytestmark = pytest.mark.django_db

# What the schema must say of each endpoint: (request component or None, answer status, answer component).
SCHEMA_CONTRACT = {
    {%- if cookiecutter.token_transport == "header" %}
    REFRESH_URL: ("RefreshTokenRequest", "200", "TokenPair"),
    LOGOUT_URL: ("RefreshTokenRequest", "204", None),
    {%- elif cookiecutter.token_transport == "cookie" %}
    REFRESH_URL: (None, "200", "TokenLifetime"),
    LOGOUT_URL: (None, "204", None),
    {%- else %}
    REFRESH_URL: ("OptionalRefreshTokenRequest", "200", "RefreshAnswer"),
    LOGOUT_URL: ("OptionalRefreshTokenRequest", "204", None),
    {%- endif %}
    LOGOUT_ALL_URL: (None, "204", None),
}


@pytest.mark.parametrize("url", list(SCHEMA_CONTRACT))
def test_the_schema_describes_the_request_and_answer_of_every_session_endpoint(url, api_client):
    assert_operation(openapi_schema(api_client), url, "post", *SCHEMA_CONTRACT[url])
