from django.apps import AppConfig


class AuthnConfig(AppConfig):
    """Authentication: scenario login, tokens and their transports."""

    name = "{{ cookiecutter.project_slug }}.authn"
    label = "authn"
    verbose_name = "Authentication"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the system checks)
