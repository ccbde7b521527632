"""Create the database cache's table as part of `migrate`.

The embedded default keeps login flows in a database cache table; creating it with
the schema means `manage.py migrate && manage.py runserver` is the whole set-up.
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command


def create_cache_table(using: str = "default", verbosity: int = 1, **kwargs: Any) -> None:
    """Run `createcachetable` when a database cache is configured (it skips existing tables)."""
    if any(cache["BACKEND"].endswith("DatabaseCache") for cache in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=verbosity)
