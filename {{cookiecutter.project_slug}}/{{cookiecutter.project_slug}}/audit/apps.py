from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit log of authentication events."""

    name = "{{ cookiecutter.project_slug }}.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        # The audit log's receivers, and its part of the personal data export.
        from ..authn.personal_data import register_section
        from .receivers import connect_receivers, exported_events

        connect_receivers()
        register_section("audit_events", exported_events)
