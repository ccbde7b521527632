"""A request id on every response and in every log record written while the request runs.

The middleware adopts the `X-Request-ID` of a trusted proxy (TRUST_X_REQUEST_ID) or makes a
new one, keeps it in a context variable until the response is closed and sends it back in
the response. The log filter copies it onto each record, and Celery signal handlers carry it
from the request that queues a task to the worker that runs it, so the email a login sends
can be traced back to that login.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

REQUEST_ID_HEADER = "X-Request-ID"
# The name under which the id travels in a Celery message's headers (and so on `task.request`).
TASK_HEADER = "x_request_id"
# Ids that proxies and load balancers produce (UUIDs, nginx's hex $request_id, AWS trace ids)
# fit here; anything else is replaced, so a client cannot smuggle markup, separators or
# megabytes into the logs through this header.
TRUSTED_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:;=+/-]{0,199}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def get_request_id() -> str | None:
    """The id of the request (or task) this code runs for, or None outside of one."""
    return _request_id.get()


def new_request_id() -> str:
    """A fresh, unguessable id: 32 hexadecimal characters."""
    return uuid.uuid4().hex


def request_id_for(request: HttpRequest) -> str:
    """The proxy's id when the settings trust it and it looks like an id; a new one otherwise."""
    if settings.TRUST_X_REQUEST_ID:
        received = request.headers.get(REQUEST_ID_HEADER, "")
        if TRUSTED_ID_PATTERN.fullmatch(received):
            return received
    return new_request_id()


class RequestIdMiddleware:
    """Give each request an id, visible to its log records and returned in `X-Request-ID`.

    Place it first in MIDDLEWARE, so that the records and responses of every other
    middleware (redirects, refused hosts, errors) carry the id too. The id stays set after
    the middleware returns, because Django logs 4xx and 5xx responses after the whole
    middleware chain; `clear_request_id` unsets it when the response is closed.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(self.get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if iscoroutinefunction(self):
            return self.__acall__(request)
        request_id = request_id_for(request)
        _request_id.set(request_id)
        # In a synchronous chain, the next middleware or view answers with the response itself.
        response = cast("HttpResponseBase", self.get_response(request))
        response[REQUEST_ID_HEADER] = request_id
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_for(request)
        _request_id.set(request_id)
        response = await cast("Awaitable[HttpResponseBase]", self.get_response(request))
        response[REQUEST_ID_HEADER] = request_id
        return response


def clear_request_id(**kwargs: Any) -> None:
    """`request_finished` handler: once a response is closed, later records belong to no request."""
    _request_id.set(None)


class RequestIdLogFilter(logging.Filter):
    """Set `record.request_id` on every record (None outside a request), so formatters can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


def add_request_id_to_task_headers(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """`before_task_publish` handler: a task queued during a request carries the request's id."""
    request_id = _request_id.get()
    if request_id is not None and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def adopt_request_id_of_task(task: Any = None, **kwargs: Any) -> None:
    """`task_prerun` handler: a worker logs a task's records under the id of the request that queued it.

    A task run inline (eager mode) has no such header and keeps the id of the request it runs in.
    """
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if request_id:
        _request_id.set(request_id)


def forget_request_id_of_task(task: Any = None, **kwargs: Any) -> None:
    """`task_postrun` handler: the next task a worker process runs starts without an id."""
    if task is not None and getattr(task.request, TASK_HEADER, None):
        _request_id.set(None)


def connect_celery_signals() -> None:
    """Carry request ids through Celery messages (called once, from the app's ready())."""
    from celery import signals

    signals.before_task_publish.connect(add_request_id_to_task_headers, dispatch_uid="api.request_id.publish")
    signals.task_prerun.connect(adopt_request_id_of_task, dispatch_uid="api.request_id.prerun")
    signals.task_postrun.connect(forget_request_id_of_task, dispatch_uid="api.request_id.postrun")


def add_request_id_to_sentry_event(event: Event, hint: Hint) -> Event:
    """Sentry `before_send` hook: tag an error report with the id of the request that raised it."""
    request_id = _request_id.get()
    if request_id is not None:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
