from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """Sessions: refresh tokens as sessions."""

    name = "{{ cookiecutter.project_slug }}.sessions"
    label = "user_sessions"
    verbose_name = "Sessions"

    def ready(self) -> None:
        # Registers the system checks, what ends sessions when an account is switched off, what
        # notes a session's use, and the sessions' part of the personal data export.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from ..authn.personal_data import register_section
        from ..authn.signals import access_token_authenticated
        from ..users.signals import user_deactivated
        from . import checks  # noqa: F401
        from .service import (
            end_sessions_of_deactivated_user,
            exported_sessions,
            note_session_use,
            revoke_access_of_deactivated_user,
        )

        post_save.connect(
            revoke_access_of_deactivated_user,
            sender=get_user_model(),
            dispatch_uid="sessions.revoke_access_of_deactivated_user",
        )
        user_deactivated.connect(end_sessions_of_deactivated_user, dispatch_uid="sessions.end_sessions")
        access_token_authenticated.connect(note_session_use, dispatch_uid="sessions.note_session_use")
        register_section("sessions", exported_sessions)
