"""The routes of sessions: `token/refresh/`, `logout/`, `logout/all/`, and the sessions list `sessions/`."""

from django.urls import URLPattern, path

from ..authn.endpoints import served
from . import views

app_name = "sessions"

ALL_URLPATTERNS: list[URLPattern] = [
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("logout/all/", views.LogoutAllView.as_view(), name="logout-all"),
    path("sessions/", views.SessionListView.as_view(), name="sessions"),
    path("sessions/<str:session_id>/", views.SessionView.as_view(), name="session"),
]

urlpatterns = served(ALL_URLPATTERNS)
