"""The routes of /api/auth/. `GATEHOUSE["ENABLED_ENDPOINTS"]` chooses which are served.

`csrf/` is served only when the token transport may set cookies: a header-only API has
no use for a CSRF token.
"""

from django.urls import URLPattern, path

from .conf import COOKIE_ENDPOINTS, gatehouse_settings
from .views import accounts, csrf, login, me, tokens

app_name = "authn"

ALL_URLPATTERNS: list[URLPattern] = [
    path("options/", login.OptionsView.as_view(), name="options"),
    path("login/<slug:scenario>/", login.LoginStepView.as_view(), name="login"),
    path("token/refresh/", tokens.TokenRefreshView.as_view(), name="token-refresh"),
    path("token/verify/", tokens.TokenVerifyView.as_view(), name="token-verify"),
    path("logout/", tokens.LogoutView.as_view(), name="logout"),
    path("logout/all/", tokens.LogoutAllView.as_view(), name="logout-all"),
    path("me/", me.MeView.as_view(), name="me"),
    path("csrf/", csrf.CsrfTokenView.as_view(), name="csrf"),
    path("register/", accounts.RegisterView.as_view(), name="register"),
    path("register/activate/", accounts.ActivateView.as_view(), name="register-activate"),
    path("register/resend/", accounts.ResendActivationView.as_view(), name="register-resend"),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/confirm/", accounts.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("password/validate/", accounts.PasswordValidateView.as_view(), name="password-validate"),
    path("password/change/", accounts.PasswordChangeView.as_view(), name="password-change"),
]


def is_served(pattern: URLPattern) -> bool:
    """Whether `pattern` is enabled, and, for `csrf/`, whether the transport may set cookies."""
    if pattern.name not in gatehouse_settings.ENABLED_ENDPOINTS:
        return False
    return pattern.name not in COOKIE_ENDPOINTS or gatehouse_settings.TOKEN_TRANSPORT.sets_cookies


urlpatterns = [pattern for pattern in ALL_URLPATTERNS if is_served(pattern)]
