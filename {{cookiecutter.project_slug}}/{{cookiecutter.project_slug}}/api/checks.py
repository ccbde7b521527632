"""Deploy checks: `manage.py check --deploy` refuses settings that only suit a developer's machine.

Each refusal is an Error with one line that says what is wrong, why it matters here and
what to set instead. They run only with `--deploy` (registered with deploy=True from
ApiConfig.ready()), so local and test settings can keep their embedded defaults.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
{%- if cookiecutter.use_dev_auto_login == "y" %}
from rest_framework.settings import api_settings

from ..authn.conf import gatehouse_settings
from ..authn.dev_auto_login import DevAutoLoginAuthentication
{%- endif %}

# Caches whose content lives inside one process: another web process, or the same one
# after a restart, sees none of it.
PER_PROCESS_CACHE_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache": "local-memory",
    "django.core.cache.backends.dummy.DummyCache": "dummy",
}

PER_PROCESS_CACHE = "api.E001"
INLINE_CELERY = "api.E002"
DEBUG_ON = "api.E003"
{%- if cookiecutter.use_dev_auto_login == "y" %}
DEV_AUTO_LOGIN_ON = "api.E004"
{%- endif %}


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
{%- if cookiecutter.use_dev_auto_login == "y" %}


def check_dev_auto_login_is_off(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Refuse the DEBUG-only automatic login, in part or in full: either half is a sign that
    local settings leaked into these ones, and together with DEBUG they let anybody in."""
    found = []
    if any(issubclass(cls, DevAutoLoginAuthentication) for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES):
        found.append("DevAutoLoginAuthentication is in DEFAULT_AUTHENTICATION_CLASSES")
    if gatehouse_settings.DEV_AUTO_LOGIN_EMAIL:
        found.append('GATEHOUSE["DEV_AUTO_LOGIN_EMAIL"] is set')
    if not found:
        return []
    return [
        Error(
            f"Dev auto-login is configured ({' and '.join(found)}): requests without credentials "
            "could act as a user. Remove it from these settings (it belongs in config/settings/local.py only).",
            obj="settings.REST_FRAMEWORK",
            id=DEV_AUTO_LOGIN_ON,
        )
    ]
{%- endif %}


DEPLOY_CHECKS = (
    check_cache_is_shared,
    check_celery_uses_a_broker,
    check_debug_is_off,
    {%- if cookiecutter.use_dev_auto_login == "y" %}
    check_dev_auto_login_is_off,
    {%- endif %}
)
