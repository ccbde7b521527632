"""Gunicorn settings: `gunicorn --config config/gunicorn.py config.wsgi`.

Every value can be changed from the environment, so one image serves every deployment:

- GUNICORN_BIND (default `0.0.0.0:$PORT`, PORT defaulting to 8000);
- WEB_CONCURRENCY, the number of worker processes (default: 2 per CPU plus 1, at most 8);
- GUNICORN_TIMEOUT, the seconds a worker may spend on one request (default 30);
- GUNICORN_ACCESS_LOG, `true` (one JSON object per request on stdout) or `false`;
- FORWARDED_ALLOW_IPS, the proxies whose X-Forwarded-* headers are believed (default: loopback);
- GUNICORN_MAX_REQUESTS and GUNICORN_MAX_REQUESTS_JITTER, to replace each worker after about that many
  requests (default 0: workers are not recycled);
- GUNICORN_PRELOAD, `true` (the default: the project is imported once, before the workers fork) or `false`.

https://docs.gunicorn.org/en/stable/settings.html
"""

from __future__ import annotations

import logging
import os
from typing import Any

from pythonjsonlogger.json import JsonFormatter

MAX_DEFAULT_WORKERS = 8
TRUE_VALUES = {"1", "true", "yes", "on"}


def default_workers() -> int:
    """Two workers per CPU this process may use, plus one, capped: every worker holds a copy of the app."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


def env_flag(name: str, default: bool) -> bool:
    """Read a true/false environment variable."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in TRUE_VALUES


class AccessLogJsonFormatter(JsonFormatter):
    """One JSON object per request, built from gunicorn's access-log atoms.

    The query string is left out on purpose: links in activation and password-reset
    emails carry their tokens there, and access logs are kept and shared widely.
    """

    # Gunicorn's atom names (https://docs.gunicorn.org/en/stable/settings.html#access-log-format).
    ATOMS = {
        "remote_addr": "h",
        "method": "m",
        "path": "U",
        "protocol": "H",
        "status": "s",
        "response_bytes": "B",
        "duration_ms": "M",
        "user_agent": "a",
        "request_id": "{x-request-id}o",
    }

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        atoms = record.args if isinstance(record.args, dict) else {}
        for field, atom in self.ATOMS.items():
            value = atoms.get(atom)
            log_data[field] = None if value in (None, "-") else value
        if log_data["status"] is not None:
            log_data["status"] = int(log_data["status"])


def logging_config(access_log: bool) -> dict[str, Any]:
    """Gunicorn's own records as JSON: its errors on stderr, the access log on stdout (or nowhere)."""
    json_format = {
        "()": JsonFormatter,
        "fmt": ["levelname", "name", "message"],
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": "time",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": json_format,
            "access_json": {**json_format, "()": AccessLogJsonFormatter},
        },
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access_console": {
                "class": "logging.StreamHandler",
                "formatter": "access_json",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": "INFO", "handlers": ["error_console"]},
        "loggers": {
            # propagate=False: once Django configures logging in a worker, the root logger
            # would print each of these records a second time.
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {
                "level": "INFO",
                "handlers": ["access_console"] if access_log else [],
                "propagate": False,
            },
        },
    }


bind = [os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")]
# gunicorn's sync worker, whose own error answers (a header over the limits below) are JSON.
worker_class = "config.gunicorn_worker.JsonErrorWorker"
workers = int(os.environ.get("WEB_CONCURRENCY", default_workers()))
# A request that takes longer is a bug or an attack: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a deploy or SIGTERM, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Workers are not recycled unless asked: a recycled worker costs a fork and, without preload_app, a
# whole import of the project, and nothing in the project leaks. A deployment that suspects a leak in
# its own code sets GUNICORN_MAX_REQUESTS (with a jitter, so that workers do not restart together).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "0"))
# Import the project once in the master: workers fork with it loaded (and share its memory pages), so
# a new or recycled worker serves at once. Database and cache connections are opened per worker, on
# first use, never at import.
preload_app = env_flag("GUNICORN_PRELOAD", default=True)


def when_ready(server: Any) -> None:
    """Before the first workers fork: with preload_app, import the URLconf (and so every view) in the master too.

    Django imports it on the first request otherwise, in every new worker, which is most
    of what a recycled worker would still spend.
    """
    if server.cfg.preload_app:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 (the import is the point)


# Workers' heartbeat files on a memory file system: a slow disk cannot stall them (gunicorn's FAQ).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (not a temporary file)
# What one request's head may hold. A Cookie header carries the access and refresh cookies
# (each a JWT of up to the 4 KB a browser keeps per cookie) and the CSRF cookie at once, on
# the token paths: more than gunicorn's 8 KB default. The request line gets gunicorn's
# ceiling (8190 bytes), and a hundred header fields are plenty for browsers and proxies.
limit_request_line = 8190
limit_request_field_size = 16384
limit_request_fields = 100
# Only these addresses may set X-Forwarded-Proto and friends: the TLS-terminating proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The runtime control socket (gunicornc) is not needed where an orchestrator restarts processes.
control_socket_disable = True
# The access log's `message`; AccessLogJsonFormatter adds the other fields. Not `%(r)s`, the
# request line, which holds the query string.
access_log_format = "%(m)s %(U)s %(s)s"
logconfig_dict = logging_config(access_log=env_flag("GUNICORN_ACCESS_LOG", default=True))
