"""The core routes of /api/auth/: `token/verify/` in every role, `me/`, and `csrf/` with cookies.
{%- if cookiecutter.auth_role == "client_service" %}

A client service routes `me/` in remote/urls.py: its PATCH is the auth service's.
{%- endif %}

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
    {%- if cookiecutter.auth_role != "client_service" %}
    path("me/", views.MeView.as_view(), name="me"),
    {%- endif %}
    {%- if cookiecutter.token_transport != "header" %}
    path("csrf/", csrf_views.CsrfTokenView.as_view(), name="csrf"),
    {%- endif %}
]

urlpatterns = served(ALL_URLPATTERNS)
