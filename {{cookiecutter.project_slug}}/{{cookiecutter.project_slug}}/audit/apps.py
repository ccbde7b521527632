from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit log of authentication events."""

    name = "{{ cookiecutter.project_slug }}.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from .receivers import connect_receivers

        connect_receivers()
