from django.apps import AppConfig
from django.core.checks import Tags, register
from django.core.signals import request_finished
from django.db.models.signals import post_migrate


class ApiConfig(AppConfig):
    """Plumbing every endpoint shares: the error shape, the health check, the cache table,
    request ids, the deploy checks and error reports."""

    name = "{{ cookiecutter.project_slug }}.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from .cache_table import create_cache_table
        from .checks import DEPLOY_CHECKS
        from .request_id import clear_request_id, connect_celery_signals
        from .sentry import init_sentry

        # Django sends post_migrate only for apps with models, and this app has none: listen
        # to every app's (creating the table is skipped once it exists, at the cost of one query).
        post_migrate.connect(create_cache_table, dispatch_uid="api.create_cache_table")
        for check in DEPLOY_CHECKS:
            register(check, Tags.security, deploy=True)
        request_finished.connect(clear_request_id, dispatch_uid="api.clear_request_id")
        connect_celery_signals()
        init_sentry()
