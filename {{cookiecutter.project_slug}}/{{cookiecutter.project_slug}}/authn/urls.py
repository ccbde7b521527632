"""The core routes of /api/auth/: `me/` and `token/verify/` in every role, and `csrf/` with cookies.

`GATEHOUSE["ENABLED_ENDPOINTS"]` chooses which are served (authn/endpoints.py).
"""

from django.urls import URLPattern, path

from . import views
from .endpoints import served
{%- if cookiecutter.token_transport != "header" %}
from .transports import csrf_views
{%- endif %}

app_name = "authn"

ALL_URLPATTERNS: list[URLPattern] = [
    path("token/verify/", views.TokenVerifyView.as_view(), name="token-verify"),
    path("me/", views.MeView.as_view(), name="me"),
    {%- if cookiecutter.token_transport != "header" %}
    path("csrf/", csrf_views.CsrfTokenView.as_view(), name="csrf"),
    {%- endif %}
]

urlpatterns = served(ALL_URLPATTERNS)
