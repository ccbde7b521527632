"""The routes of social login: `identities/` and `identities/<id>/` (the scenarios are the login app's)."""

from django.urls import URLPattern, path

from ..authn.endpoints import served
from . import views

app_name = "social"

ALL_URLPATTERNS: list[URLPattern] = [
    path("identities/", views.IdentityListView.as_view(), name="identities"),
    path("identities/<uuid:identity_id>/", views.IdentityView.as_view(), name="identity"),
]

urlpatterns = served(ALL_URLPATTERNS)
