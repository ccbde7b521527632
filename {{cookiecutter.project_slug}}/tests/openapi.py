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


def error_codes(schema: dict[str, Any], url: str, method: str, status: str) -> set[str]:
    """The error `code`s that `method url` documents for `status` (the enum of its error component)."""
    answer = schema["paths"][url][method]["responses"][status]["content"]["application/json"]["schema"]
    body = component(schema, answer["$ref"])
    entry = component(schema, body["properties"]["errors"]["items"]["$ref"])
    return set(component(schema, entry["properties"]["code"]["$ref"])["enum"])


def component(schema: dict[str, Any], reference: str) -> dict[str, Any]:
    """The component that `reference` (`#/components/schemas/<name>`) names."""
    return schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]
