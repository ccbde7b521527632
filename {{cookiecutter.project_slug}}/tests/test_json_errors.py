"""No error answer is HTML: whatever layer refuses a request, the answer is JSON in the API's error shape.

DRF's exceptions and Django's error handlers answer JSON themselves; JsonErrorMiddleware
rewrites what other layers answer in another format (an empty 405 of a Django view, the
YAML or HTML of the schema and docs views), keeping the status and the headers.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAdminUser
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.api.errors import JsonErrorMiddleware
from {{ cookiecutter.project_slug }}.api.health import HealthView

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def assert_json_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """`response` is a JSON error in the API's shape, with `status` (and `code`, when given)."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].split(";")[0].endswith("json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == {"type", "errors"}, body
    assert body["type"] == ("server_error" if status >= 500 else "client_error"), body
    [entry] = body["errors"]
    assert set(entry) == {"code", "detail", "attr"}, entry
    if code is not None:
        assert entry["code"] == code, entry
    return entry


@pytest.mark.parametrize("path", ["/no-such-page/", "/api/auth/no-such-endpoint/", "/static/no-such-file.css"])
def test_an_unknown_path_is_a_json_404(api_client, path):
    assert_json_error(api_client.get(path), 404, "not_found")


def test_a_method_an_api_endpoint_does_not_take_is_a_json_405(api_client):
    response = api_client.get("/api/auth/token/verify/")
    assert_json_error(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_the_empty_405_of_a_django_view_becomes_json(client, settings):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(f"/{settings.ADMIN_URL}logout/")
    assert_json_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST, OPTIONS", "the replacement keeps the headers of the answer it replaces"


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/api/schema/", "*/*"),
        ("/api/schema/", "application/vnd.oai.openapi"),
        ("/api/docs/", "*/*"),
        ("/api/docs/", "text/html"),
    ],
)
def test_the_schema_and_docs_refuse_in_json_when_they_are_restricted(api_client, monkeypatch, path, accept):
    # What production settings give them (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] and ["SERVE_AUTHENTICATION"]).
    for view in (SpectacularAPIView, SpectacularSwaggerView):
        monkeypatch.setattr(view, "permission_classes", [IsAdminUser])
        monkeypatch.setattr(view, "authentication_classes", [SessionAuthentication])
    response = api_client.get(path, HTTP_ACCEPT=accept)
    assert_json_error(response, 403)


def test_an_exception_in_an_api_view_is_a_json_500(monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(HealthView, "get", broken)
    assert_json_error(APIClient(raise_request_exception=False).get("/health/"), 500, "error")


def test_an_exception_outside_the_api_is_a_json_500(client, monkeypatch, settings):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("django.contrib.auth.views.LoginView.get", broken)
    client.raise_request_exception = False
    assert_json_error(client.get(f"/{settings.ADMIN_URL}login/"), 500, "error")


def html_answer(status: int) -> HttpResponse:
    response = HttpResponse("<h1>Refused</h1>", status=status)
    response["Retry-After"] = "30"
    response.set_cookie("kept", "yes")
    return response


@pytest.mark.parametrize(("status", "code"), [(401, "not_authenticated"), (410, "gone"), (502, "bad_gateway")])
def test_an_error_answer_in_another_format_becomes_json_with_its_status_and_headers(status, code):
    response = JsonErrorMiddleware(lambda request: html_answer(status))(RequestFactory().get("/"))
    assert_json_error(response, status, code)
    assert response["Retry-After"] == "30"
    assert response.cookies["kept"].value == "yes"


def test_answers_that_are_not_errors_or_already_json_are_left_alone():
    for answer in (
        HttpResponse("<p>fine</p>"),
        HttpResponse("{}", status=400, content_type="application/problem+json"),
    ):
        assert JsonErrorMiddleware(lambda request, answer=answer: answer)(RequestFactory().get("/")) is answer


def test_with_debug_on_django_s_debugging_pages_are_left_alone(settings):
    settings.DEBUG = True
    answer = html_answer(404)
    assert JsonErrorMiddleware(lambda request: answer)(RequestFactory().get("/")) is answer
