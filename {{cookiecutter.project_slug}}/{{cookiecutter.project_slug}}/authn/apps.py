from django.apps import AppConfig


class AuthnConfig(AppConfig):
    """Authentication: scenario login, tokens and their transports."""

    name = "{{ cookiecutter.project_slug }}.authn"
    label = "authn"
    verbose_name = "Authentication"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from . import checks  # noqa: F401 (registers the system checks)
        from .audit import connect_receivers
        from .tokens import revoke_access_of_deactivated_user

        connect_receivers()
        post_save.connect(
            revoke_access_of_deactivated_user,
            sender=get_user_model(),
            dispatch_uid="authn.tokens.revoke_access_of_deactivated_user",
        )
