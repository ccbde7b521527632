"""The routes of scenario login: `options/` and `login/<scenario>/`."""

from django.urls import URLPattern, path

from ..authn.endpoints import served
from . import views

app_name = "login"

ALL_URLPATTERNS: list[URLPattern] = [
    path("options/", views.OptionsView.as_view(), name="options"),
    path("login/<slug:scenario>/", views.LoginStepView.as_view(), name="login"),
]

urlpatterns = served(ALL_URLPATTERNS)
