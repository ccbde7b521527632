"""The decisions this project makes differently from Gatehouse's defaults, in its adapter.

Only the company's addresses may register; three wrong passwords lock an account for
an hour (instead of ten for a quarter of an hour); and every email names its kind in a
header, which the mail provider's statistics group by.
"""

from dataclasses import replace
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage
from django.http import HttpRequest

from {{ cookiecutter.project_slug }}.authn.adapter import GatehouseAdapter, Limit, Limits

COMPANY_DOMAIN = "example.com"


class ProjectAdapter(GatehouseAdapter):
    """Registration for the company's addresses, a stricter password lockout, emails tagged with their kind."""

    def is_open_for_registration(self, request: HttpRequest, email: str) -> bool:
        """Only addresses of the company's domain (`email` is normalized: lower-case)."""
        return email.endswith(f"@{COMPANY_DOMAIN}")

    def lockout_limits(self, request: HttpRequest, *, identifier: str | None, scenario: str, step: str) -> Limits:
        """Three wrong passwords lock the account for an hour; the client's budget stays the default."""
        limits = super().lockout_limits(request, identifier=identifier, scenario=scenario, step=step)
        if scenario != "password":
            return limits
        return replace(limits, account=Limit(threshold=3, window=timedelta(hours=1), cool_off=timedelta(hours=1)))

    def send_email(self, message: EmailMessage, *, kind: str, user: AbstractBaseUser) -> None:
        """Name the kind of the email in a header, then send it the default way."""
        message.extra_headers["X-Email-Kind"] = kind
        super().send_email(message, kind=kind, user=user)
