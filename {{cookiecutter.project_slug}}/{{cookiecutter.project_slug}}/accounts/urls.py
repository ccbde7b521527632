"""The routes of accounts: {% if cookiecutter.use_registration == "y" %}registration, {% endif %}password reset, validation and change, reauthentication, email change, deletion and export."""

from django.urls import URLPattern, path

from ..authn.endpoints import served
from . import {% if cookiecutter.use_registration == "y" %}registration_views, {% endif %}views

app_name = "accounts"

ALL_URLPATTERNS: list[URLPattern] = [
    {%- if cookiecutter.use_registration == "y" %}
    path("register/", registration_views.RegisterView.as_view(), name="register"),
    path("register/activate/", registration_views.ActivateView.as_view(), name="register-activate"),
    path("register/resend/", registration_views.ResendActivationView.as_view(), name="register-resend"),
    {%- endif %}
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/confirm/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("password/validate/", views.PasswordValidateView.as_view(), name="password-validate"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("reauthenticate/", views.ReauthenticateView.as_view(), name="reauthenticate"),
    path("email/change/", views.EmailChangeView.as_view(), name="email-change"),
    path("email/change/confirm/", views.EmailChangeConfirmView.as_view(), name="email-change-confirm"),
    path("me/delete/", views.AccountDeleteView.as_view(), name="account-delete"),
    path("me/export/", views.AccountExportView.as_view(), name="account-export"),
]

urlpatterns = served(ALL_URLPATTERNS)
