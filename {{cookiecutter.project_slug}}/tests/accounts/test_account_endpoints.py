"""Which account endpoints a project serves, their methods, their OpenAPI description, and hostile bodies.

(Turning endpoints off with GATEHOUSE["ENABLED_ENDPOINTS"]: tests/authn/test_endpoints.py.)
"""

import pytest

from {{ cookiecutter.project_slug }}.accounts import urls as account_urls

from ..conftest import reload_urls
from ..factories import UserFactory
from ..tokens import authenticated

pytestmark = pytest.mark.django_db

URLS = {
    {%- if cookiecutter.use_registration == "y" %}
    "register": "/api/auth/register/",
    "register-activate": "/api/auth/register/activate/",
    "register-resend": "/api/auth/register/resend/",
    {%- endif %}
    "password-reset": "/api/auth/password/reset/",
    "password-reset-confirm": "/api/auth/password/reset/confirm/",
    "password-validate": "/api/auth/password/validate/",
    "password-change": "/api/auth/password/change/",
    "reauthenticate": "/api/auth/reauthenticate/",
    "email-change": "/api/auth/email/change/",
    "email-change-confirm": "/api/auth/email/change/confirm/",
    "account-delete": "/api/auth/me/delete/",
}
# The endpoints that need an access token.
AUTHENTICATED = {"password-change", "reauthenticate", "email-change", "account-delete"}
# method -> (request component, answer status) for every endpoint.
SCHEMA_CONTRACT = {
    {%- if cookiecutter.use_registration == "y" %}
    "register": ("Register", "201"),
    "register-activate": ("Link", "200"),
    "register-resend": ("EmailRequest", "200"),
    {%- endif %}
    "password-reset": ("EmailRequest", "200"),
    "password-reset-confirm": ("PasswordResetConfirm", "200"),
    "password-validate": ("PasswordValidate", "200"),
    "password-change": ("PasswordChange", "200"),
    "reauthenticate": ("Reauthenticate", "200"),
    "email-change": ("EmailChange", "200"),
    "email-change-confirm": ("Link", "200"),
    "account-delete": ("AccountDelete", "204"),
}


@pytest.fixture
def routed(settings):
    """Route exactly the given endpoints (None: all of them) for the rest of the test."""
    original = settings.GATEHOUSE

    def route(names):
        settings.GATEHOUSE = {**original, "ENABLED_ENDPOINTS": None if names is None else list(names)}
        reload_urls()

    yield route
    settings.GATEHOUSE = original
    reload_urls()


def test_every_account_endpoint_is_routed_by_default(api_client):
    # me/export/ is the one GET (tests/accounts/test_account_lifecycle.py).
    assert [pattern.name for pattern in account_urls.ALL_URLPATTERNS] == [*URLS, "account-export"]
    for name, url in URLS.items():
        assert api_client.post(url, {}, format="json").status_code != 404, name
{%- if cookiecutter.use_registration == "n" %}


@pytest.mark.parametrize("url", ["/api/auth/register/", "/api/auth/register/activate/", "/api/auth/register/resend/"])
def test_this_project_has_no_self_service_registration(url, api_client):
    response = api_client.post(url, {"email": "bob@example.com", "password": "sturdy lantern orchard"}, format="json")
    assert response.status_code == 404, "use_registration=n renders no registration endpoint"
{%- endif %}


@pytest.mark.parametrize("name", list(URLS))
def test_account_endpoints_answer_get_with_405(name, api_client, routed, issue_tokens):
    routed(None)
    # password/change/ authenticates first, as every endpoint that needs a user does.
    headers = authenticated(issue_tokens(UserFactory()).access) if name in AUTHENTICATED else {}
    response = api_client.get(URLS[name], **headers)
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"


@pytest.mark.parametrize("name", list(URLS))
def test_the_schema_describes_the_request_and_answer_of_every_account_endpoint(name, api_client, routed):
    routed(None)
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][URLS[name]]["post"]
    request, status = SCHEMA_CONTRACT[name]
    request_ref = operation["requestBody"]["content"]["application/json"]["schema"]
    assert request_ref == {"$ref": f"#/components/schemas/{request}"}
    assert status in operation["responses"]
    assert "400" in operation["responses"], f"{name} must document its 400"
    assert set(operation) >= {"description"}
    assert "get" not in schema["paths"][URLS[name]]


@pytest.mark.parametrize("name", sorted(AUTHENTICATED))
def test_the_schema_marks_the_endpoints_of_the_signed_in_user_as_authenticated(name, api_client, routed):
    routed(None)
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][URLS[name]]["post"]
    assert "401" in operation["responses"]
    assert operation.get("security"), f"{name} needs an access token"


HOSTILE_BODIES = [
    b"",
    b"not json",
    b"[]",
    b'"a string"',
    b"null",
    b'{"email": {"$ne": null}, "password": ["a", "b"], "uid": 1e309, "token": -1}',
    b'{"email": "a@b.c", "email": "d@e.f"}',
    b"[" * 10_000 + b"]" * 10_000,
    b'{"password": "\\ud800", "email": "\\udfff@example.com", "uid": "\\u0000", "token": "\\ud800"}',
    b"\xff\xfe{}",
]


@pytest.mark.parametrize("name", list(URLS))
@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_bodies_get_a_json_4xx_never_a_500(name, body, accounts, routed, issue_tokens):
    routed(None)
    headers = {}
    if name in AUTHENTICATED:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {issue_tokens(UserFactory()).access}"
    with accounts.capture_on_commit_callbacks(execute=True):
        response = accounts.client.post(URLS[name], body, content_type="application/json", **headers)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:200])
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"type", "errors"}


@pytest.mark.parametrize("name", [name for name in ("register", "register-resend", "password-reset") if name in URLS])
def test_a_form_body_is_refused_with_415(name, api_client, routed):
    routed(None)
    response = api_client.post(URLS[name], {"email": "bob@example.com", "password": "sturdy lantern orchard"})
    assert response.status_code == 415
