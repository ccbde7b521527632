from django.apps import AppConfig


class MailConfig(AppConfig):
    """Mail: one pipeline for every email."""

    name = "{{ cookiecutter.project_slug }}.mail"
    label = "mail"
    verbose_name = "Mail"
