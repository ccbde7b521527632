from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Accounts: registration, activation and passwords."""

    name = "{{ cookiecutter.project_slug }}.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Registers the account emails with the outbox.
        from .emails import register_email_kinds

        register_email_kinds()
