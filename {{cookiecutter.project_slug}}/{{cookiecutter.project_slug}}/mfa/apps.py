from django.apps import AppConfig


class MfaConfig(AppConfig):
    """Second factors: TOTP with recovery codes, and passkeys; the `mfa` step of every login."""

    name = "{{ cookiecutter.project_slug }}.mfa"
    label = "mfa"
    verbose_name = "Second factors"

    def ready(self) -> None:
        # The system checks; the `mfa` step after every scenario (login/completion.py); the factors that
        # `reauthenticate/` takes; the emails of factor changes; and the part of the personal data export.
        from ..accounts.reauthentication import register_factor
        from ..authn.personal_data import register_section
        from ..login.completion import register_requirement
        from . import checks  # noqa: F401
        from .emails import register_email_kinds
        from .factors import exported_factors
        from .steps import SecondFactorRequirement, SecondFactorStep

        register_requirement(SecondFactorRequirement())
        for factor in SecondFactorStep.reauthentication_factors():
            register_factor(factor)
        register_email_kinds()
        register_section("second_factors", exported_factors)
