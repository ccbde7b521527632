"""Every response carries a request id, and so does every log record written while it ran."""

import asyncio
import json
import re
from types import SimpleNamespace

import pytest
from celery.app.task import Context
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from {{ cookiecutter.project_slug }}.api import request_id
from {{ cookiecutter.project_slug }}.api.request_id import RequestIdMiddleware, get_request_id

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


def test_every_response_carries_a_new_request_id(client):
    first = client.get("/no-such-page/")["X-Request-ID"]
    second = client.get("/no-such-page/")["X-Request-ID"]
    assert GENERATED_ID.fullmatch(first), first
    assert GENERATED_ID.fullmatch(second), second
    assert first != second


def test_a_client_supplied_request_id_is_ignored_by_default(client):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="chosen-by-the-client")
    assert response["X-Request-ID"] != "chosen-by-the-client"
    assert GENERATED_ID.fullmatch(response["X-Request-ID"])


@override_settings(TRUST_X_REQUEST_ID=True)
def test_the_request_id_of_a_trusted_proxy_is_adopted(client):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="4bf92f3577b34da6a3ce929d0e0e4736")
    assert response["X-Request-ID"] == "4bf92f3577b34da6a3ce929d0e0e4736"


@override_settings(TRUST_X_REQUEST_ID=True)
@pytest.mark.parametrize(
    "received",
    ["", "id with spaces", 'quote"injection', "line\u2028separator", "-leading-dash", "x" * 201],
)
def test_a_malformed_request_id_is_replaced_even_from_a_trusted_proxy(rf, received):
    request = rf.get("/", HTTP_X_REQUEST_ID=received)
    adopted = request_id.request_id_for(request)
    assert adopted != received
    assert GENERATED_ID.fullmatch(adopted)


def test_log_records_of_a_request_carry_its_id(client, console_log):
    response = client.get("/no-such-page/")
    records = [json.loads(line) for line in console_log.getvalue().splitlines()]
    not_found = [record for record in records if record["logger"] == "django.request"]
    assert not_found, records
    assert not_found[0]["request_id"] == response["X-Request-ID"]


def test_the_request_id_is_cleared_once_the_response_is_closed(client):
    client.get("/no-such-page/")
    assert get_request_id() is None


def test_the_async_path_sets_the_id_for_the_view_and_the_response():
    seen_by_view = []

    async def view(request):
        seen_by_view.append(get_request_id())
        return HttpResponse()

    middleware = RequestIdMiddleware(view)
    response = asyncio.run(middleware(RequestFactory().get("/")))
    assert seen_by_view == [response["X-Request-ID"]]
    assert get_request_id() is None


def test_a_task_queued_during_a_request_carries_its_id_to_the_worker(rf):
    headers = {}

    def view(request):
        request_id.add_request_id_to_task_headers(headers=headers)
        return HttpResponse()

    response = RequestIdMiddleware(view)(rf.get("/"))
    request_id.clear_request_id()
    assert headers == {request_id.TASK_HEADER: response["X-Request-ID"]}

    # In the worker, the message's headers become attributes of `task.request`.
    task = SimpleNamespace(request=Context({request_id.TASK_HEADER: response["X-Request-ID"]}))
    request_id.adopt_request_id_of_task(task=task)
    assert get_request_id() == response["X-Request-ID"]
    request_id.forget_request_id_of_task(task=task)
    assert get_request_id() is None


def test_a_task_run_inline_keeps_the_id_of_its_request(rf):
    seen_by_task = []

    def view(request):
        task = SimpleNamespace(request=Context({}))
        request_id.adopt_request_id_of_task(task=task)
        seen_by_task.append(get_request_id())
        request_id.forget_request_id_of_task(task=task)
        return HttpResponse()

    response = RequestIdMiddleware(view)(rf.get("/"))
    request_id.clear_request_id()
    assert seen_by_task == [response["X-Request-ID"]]


def test_sentry_reports_are_tagged_with_the_request_id(rf):
    events = []

    def view(request):
        events.append(request_id.add_request_id_to_sentry_event({"tags": {"existing": "tag"}}, {}))
        return HttpResponse()

    response = RequestIdMiddleware(view)(rf.get("/"))
    request_id.clear_request_id()
    assert events == [{"tags": {"existing": "tag", "request_id": response["X-Request-ID"]}}]
