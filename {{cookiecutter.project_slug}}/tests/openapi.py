"""Reading the OpenAPI schema that the project serves, as its clients do."""

from __future__ import annotations

from typing import Any

SCHEMA_URL = "/api/schema/"


def openapi_schema(client: Any) -> dict[str, Any]:
    """The OpenAPI document of `GET /api/schema/`, as JSON."""
    return client.get(SCHEMA_URL, HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def assert_operation(
    schema: dict[str, Any], url: str, method: str, request: str | None, status: str, answer: str | None
) -> None:
    """`method url` takes the `request` component as its JSON body (None: no body), answers `status` with the
    `answer` component (None: no body is described) and documents its 401."""
    operation = schema["paths"][url][method]
    request_ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    assert request_ref == ({"$ref": f"#/components/schemas/{request}"} if request else None), (url, method)
    assert status in operation["responses"], (url, method)
    if answer:
        answer_schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert answer_schema == {"$ref": f"#/components/schemas/{answer}"}, (url, method)
    assert "401" in operation["responses"], f"{method} {url} must document its 401"
