"""The routes of second factors, under `/api/auth/mfa/`."""

from django.urls import URLPattern, path

from ..authn.endpoints import served
from . import views

app_name = "mfa"

ALL_URLPATTERNS: list[URLPattern] = [
    path("", views.SecondFactorsView.as_view(), name="mfa"),
    path("totp/setup/", views.TotpSetupView.as_view(), name="mfa-totp-setup"),
    path("totp/confirm/", views.TotpConfirmView.as_view(), name="mfa-totp-confirm"),
    path("totp/disable/", views.TotpDisableView.as_view(), name="mfa-totp-disable"),
    path("recovery-codes/", views.RecoveryCodesView.as_view(), name="mfa-recovery-codes"),
    path(
        "passkeys/register/options/",
        views.PasskeyRegistrationOptionsView.as_view(),
        name="mfa-passkey-registration-options",
    ),
    path("passkeys/register/", views.PasskeyRegistrationView.as_view(), name="mfa-passkey-registration"),
    path(
        "passkeys/reauthenticate/options/",
        views.PasskeyReauthenticationOptionsView.as_view(),
        name="mfa-passkey-reauthentication-options",
    ),
    path("passkeys/<int:passkey_id>/", views.PasskeyView.as_view(), name="mfa-passkey"),
]

urlpatterns = served(ALL_URLPATTERNS)
