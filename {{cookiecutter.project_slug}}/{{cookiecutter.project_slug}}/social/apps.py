from django.apps import AppConfig


class SocialConfig(AppConfig):
    """Social login: OpenID Connect providers as login scenarios, and the identities they link to accounts."""

    name = "{{ cookiecutter.project_slug }}.social"
    label = "social"
    verbose_name = "Social login"

    def ready(self) -> None:
        # Registers the system checks, one login scenario per provider, the audit events of linking
        # and unlinking, and the identities' part of the personal data export.
        from ..authn.personal_data import register_section
        from ..login.scenarios import register_scenario_source
        from . import checks  # noqa: F401
        from .audit_events import connect_receivers
        from .identities import exported_identities
        from .scenarios import provider_scenarios

        register_scenario_source(provider_scenarios)
        connect_receivers()
        register_section("identities", exported_identities)
