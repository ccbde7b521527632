"""The account pages at `/`; the pages of the emailed links are at the paths the emails use (authn/conf.py)."""

from django.urls import URLPattern, path

from ..authn.conf import gatehouse_settings
from .views import PageView

app_name = "pages"


def link_path(setting: str) -> str:
    """The route of the page an emailed link opens: its GATEHOUSE path without the leading slash."""
    return str(getattr(gatehouse_settings, setting)).strip("/")


urlpatterns: list[URLPattern] = [
    path("", PageView.as_view(page="sign-in"), name="sign-in"),
    path("sign-up", PageView.as_view(page="sign-up"), name="sign-up"),
    path("account", PageView.as_view(page="account"), name="account"),
    # Where an OpenID provider sends the browser back to finish a social sign-in.
    path("signed-in", PageView.as_view(page="signed-in"), name="signed-in"),
    path(link_path("ACTIVATION_URL_PATH"), PageView.as_view(page="activate"), name="activate"),
    path(link_path("PASSWORD_RESET_URL_PATH"), PageView.as_view(page="reset-password"), name="reset-password"),
    path(link_path("EMAIL_CHANGE_URL_PATH"), PageView.as_view(page="confirm-email"), name="confirm-email"),
]
