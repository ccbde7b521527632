"""Which endpoints are routed: each app's `urls.py` lists its routes, GATEHOUSE["ENABLED_ENDPOINTS"] picks.

Every API app (authn, login, sessions, accounts, remote) names its routes in
`ALL_URLPATTERNS` and routes `served(ALL_URLPATTERNS)`. ENABLED_ENDPOINTS is None to
route them all, or the URL names to route; the system check `gatehouse.E001` refuses a
name that no installed app has, so that a typo never silently turns an endpoint off.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from django.apps import apps
from django.urls import URLPattern

from .conf import gatehouse_settings


def served(patterns: Iterable[URLPattern]) -> list[URLPattern]:
    """The patterns that GATEHOUSE["ENABLED_ENDPOINTS"] routes (all of them when it is None)."""
    enabled = gatehouse_settings.ENABLED_ENDPOINTS
    return [pattern for pattern in patterns if enabled is None or pattern.name in enabled]


def known_endpoints() -> list[str]:
    """The URL names of every API endpoint of the installed apps, routed or not."""
    names: list[str] = []
    for app_config in apps.get_app_configs():
        try:
            urls = importlib.import_module(f"{app_config.name}.urls")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.urls":
                raise
            continue
        names.extend(pattern.name for pattern in getattr(urls, "ALL_URLPATTERNS", ()) if pattern.name)
    return names
