"""The routes of /api/auth/ that the auth service answers, through the proxy (remote/proxy.py)."""

from django.urls import path

from . import proxy

app_name = "remote"

urlpatterns = [
    path("options/", proxy.OptionsProxyView.as_view(), name="options"),
    path("login/<slug:scenario>/", proxy.LoginProxyView.as_view(), name="login"),
    path("token/refresh/", proxy.TokenRefreshProxyView.as_view(), name="token-refresh"),
    path("logout/", proxy.LogoutProxyView.as_view(), name="logout"),
]
