"""The routes of /api/auth/ that the auth service answers: its endpoints proxied (remote/routes.py), and `me/`.

`GATEHOUSE["ENABLED_ENDPOINTS"]` chooses which are served (authn/endpoints.py), by the
same URL names as on the auth service.
"""

from django.urls import URLPattern, path

from ..authn.endpoints import served
from .me import RemoteMeView
from .proxy import proxy_view
from .routes import PROXIED_ROUTES

app_name = "remote"

ALL_URLPATTERNS: list[URLPattern] = [
    path("me/", RemoteMeView.as_view(), name="me"),
    *(path(route.path, proxy_view(route), name=route.name) for route in PROXIED_ROUTES),
]

urlpatterns = served(ALL_URLPATTERNS)
