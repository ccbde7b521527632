from django.apps import AppConfig


class RemoteConfig(AppConfig):
    """The auth service's side of this client service: JWKS, user copies, the login proxy."""

    name = "{{ cookiecutter.project_slug }}.remote"
    label = "remote"
    verbose_name = "Auth service"

    def ready(self) -> None:
        # Registers the system checks of AUTH_SERVICE_URL.
        from . import checks  # noqa: F401
