from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The account pages, which use the API through its public endpoints only."""

    name = "{{ cookiecutter.project_slug }}.pages"
    label = "pages"
    verbose_name = "Account pages"
