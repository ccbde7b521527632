from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ApiConfig(AppConfig):
    """Plumbing every endpoint shares: the error shape, the health check, the cache table."""

    name = "{{ cookiecutter.project_slug }}.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from .cache_table import create_cache_table

        post_migrate.connect(create_cache_table, sender=self)
