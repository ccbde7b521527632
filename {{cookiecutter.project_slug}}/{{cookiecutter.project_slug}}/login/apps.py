from django.apps import AppConfig


class LoginConfig(AppConfig):
    """Login: the scenario engine, its flows, one-time codes and the lockout."""

    name = "{{ cookiecutter.project_slug }}.login"
    label = "login"
    verbose_name = "Login"

    def ready(self) -> None:
        # Registers the system checks, and the login code email with the outbox.
        from . import checks  # noqa: F401
        from .emails import register_email_kinds

        register_email_kinds()
