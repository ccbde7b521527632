"""Deploy checks: `manage.py check --deploy` refuses settings that only suit a developer's machine.

Each refusal is an Error with one line that says what is wrong, why it matters here and
what to set instead. They run only with `--deploy` (registered with deploy=True from
ApiConfig.ready()), so local and test settings can keep their embedded defaults.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

# Caches whose content lives inside one process: another web process, or the same one
# after a restart, sees none of it.
PER_PROCESS_CACHE_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache": "local-memory",
    "django.core.cache.backends.dummy.DummyCache": "dummy",
}

PER_PROCESS_CACHE = "api.E001"
INLINE_CELERY = "api.E002"
DEBUG_ON = "api.E003"


def check_cache_is_shared(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Refuse a cache that each process keeps to itself: login flows, one-time codes and
    lockout counters would not be shared between the web processes."""
    errors: list[CheckMessage] = []
    for alias, cache in settings.CACHES.items():
        kind = PER_PROCESS_CACHE_BACKENDS.get(cache.get("BACKEND", ""))
        if kind:
            errors.append(
                Error(
                    f"CACHES[{alias!r}] uses the {kind} cache, which each process keeps to itself: "
                    "login flows, codes and lockout counters would not be shared. Set REDIS_URL.",
                    obj="settings.CACHES",
                    id=PER_PROCESS_CACHE,
                )
            )
    return errors


def check_celery_uses_a_broker(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Refuse Celery tasks that run inline in the web process (eager mode, or no broker at all)."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        reason = "CELERY_TASK_ALWAYS_EAGER is on"
    elif not getattr(settings, "CELERY_BROKER_URL", ""):
        reason = "CELERY_BROKER_URL is empty"
    else:
        return []
    return [
        Error(
            f"{reason}: Celery tasks would run inside the web request, so a slow or failing mail "
            "server would slow down or break logins. Set CELERY_BROKER_URL and run a worker.",
            obj="settings.CELERY_TASK_ALWAYS_EAGER",
            id=INLINE_CELERY,
        )
    ]


def check_debug_is_off(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Refuse DEBUG, which shows settings and stack traces to anybody who causes an error."""
    if not settings.DEBUG:
        return []
    return [
        Error(
            "DEBUG is on: error pages would show settings, source code and request data to anybody. "
            "Unset DJANGO_DEBUG.",
            obj="settings.DEBUG",
            id=DEBUG_ON,
        )
    ]


DEPLOY_CHECKS = (
    check_cache_is_shared,
    check_celery_uses_a_broker,
    check_debug_is_off,
)
