from django.apps import AppConfig
from django.core.checks import Tags, register


class AccountsConfig(AppConfig):
    """Accounts: registration, activation and passwords."""

    name = "{{ cookiecutter.project_slug }}.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from .checks import check_frontend_url
        from .emails import register_email_kinds

        # Registers the account emails with the outbox.
        register_email_kinds()
        register(check_frontend_url, Tags.security, deploy=True)
