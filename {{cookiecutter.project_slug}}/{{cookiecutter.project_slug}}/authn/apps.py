from django.apps import AppConfig


class AuthnConfig(AppConfig):
    """The core of authentication: settings, errors, signals, token verification, transports, me/."""

    name = "{{ cookiecutter.project_slug }}.authn"
    label = "authn"
    verbose_name = "Authentication"

    def ready(self) -> None:
        # Registers the system checks.
        from . import checks  # noqa: F401
        {%- if cookiecutter.use_dev_auto_login == "y" %}
        from .dev_auto_login import check_dev_auto_login_is_off  # noqa: F401
        {%- endif %}
        {%- if cookiecutter.token_transport != "header" %}
        from .transports import cookie_checks  # noqa: F401
        {%- endif %}
