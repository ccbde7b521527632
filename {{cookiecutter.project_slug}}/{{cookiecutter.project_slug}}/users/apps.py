from django.apps import AppConfig


class UsersConfig(AppConfig):
    """The user model: email is the login, one account per mailbox whatever its case."""

    name = "{{ cookiecutter.project_slug }}.users"
    label = "users"
    verbose_name = "Users"
