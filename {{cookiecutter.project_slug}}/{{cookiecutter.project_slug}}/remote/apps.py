from django.apps import AppConfig


class RemoteConfig(AppConfig):
    """The auth service's side of this client service: JWKS, user copies, the login proxy."""

    name = "{{ cookiecutter.project_slug }}.remote"
    label = "remote"
    verbose_name = "Auth service"

    def ready(self) -> None:
        # Registers the system checks of AUTH_SERVICE_URL, and what has a copy changed here read again.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401
        from .copy_user import forget_copy

        post_save.connect(forget_copy, sender=get_user_model(), dispatch_uid="remote.forget_copy.save")
        post_delete.connect(forget_copy, sender=get_user_model(), dispatch_uid="remote.forget_copy.delete")
