from django.apps import AppConfig


class MailConfig(AppConfig):
    """Mail: one pipeline for every email."""

    name = "{{ cookiecutter.project_slug }}.mail"
    label = "mail"
    verbose_name = "Mail"

    def ready(self) -> None:
        # The outbox's part of the personal data export.
        from ..authn.personal_data import register_section
        from .outbox import exported_emails

        register_section("emails", exported_emails)
