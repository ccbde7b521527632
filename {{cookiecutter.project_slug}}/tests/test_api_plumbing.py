"""The health check, the schema and the error shape shared by every endpoint."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

pytestmark = pytest.mark.django_db


def assert_error_shape(body: dict, code: str) -> None:
    assert set(body) == {"type", "errors"}, body
    assert body["errors"][0]["code"] == code, body
    assert set(body["errors"][0]) == {"code", "detail", "attr"}, body


def test_health_reports_database_and_cache(api_client):
    response = api_client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_health_answers_503_when_the_database_fails(api_client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", broken_cursor)
    response = api_client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


def test_health_answers_503_when_the_cache_fails(api_client, monkeypatch):
    def broken_set(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr("django.core.cache.backends.locmem.LocMemCache.set", broken_set)
    response = api_client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "unavailable"


def test_schema_is_served_as_openapi(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_docs_page_assets_are_served_by_the_project_not_a_cdn(api_client):
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn." not in page


def test_unknown_url_answers_json_404(api_client):
    response = api_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert_error_shape(response.json(), "not_found")


def test_responses_carry_security_headers(api_client):
    response = api_client.get("/health/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"


def test_deeply_nested_json_is_a_400_not_a_500(api_client):
    depth = 100_000
    response = api_client.post("/api/auth/token/verify/", "[" * depth + "]" * depth, content_type="application/json")
    assert response.status_code == 400
    assert_error_shape(response.json(), "parse_error")


def test_body_over_the_upload_limit_is_a_json_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"token": "' + "a" * 4096 + '"}'
    response = api_client.post("/api/auth/token/verify/", body, content_type="application/json")
    assert response.status_code == 413
    assert_error_shape(response.json(), "request_too_large")


def test_malformed_json_is_a_400_in_the_error_shape(api_client):
    response = api_client.post("/api/auth/token/verify/", '{"token": ', content_type="application/json")
    assert response.status_code == 400
    assert_error_shape(response.json(), "parse_error")


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_database_cache_table(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "migrated_cache_table"},
    }
    call_command("migrate", verbosity=0)
    assert "migrated_cache_table" in connection.introspection.table_names()
