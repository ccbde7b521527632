"""The admin's login page in the lockout: the same budgets, the same refusals and the same success as the API.

Django's admin checks an email and password itself (`authenticate()`, which runs
AUTHENTICATION_BACKENDS). Left alone, it would be a password check outside every
budget of login/lockout.py: an attacker could guess an account's password there without
limit. `LockoutAdminAuthenticationForm` is the admin site's `login_form` (login/admin.py):
it reports each attempt as the scenario `admin`, step `credentials`. A wrong password
counts against the account and the client address, as it does at `login/password/`; a
locked account or address is refused with the message of a wrong password, after the
same hashing, so that the page tells nobody that a lock exists, let alone an account;
and a completed login resets the account's count and reaches the audit log
(`login_succeeded`), as a completed API login does.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured

from ..authn.errors import INVALID_CREDENTIALS, LockedOut
from ..authn.signals import login_succeeded
from ..users.managers import EmailAddressInvalid, normalize_email
from . import lockout
from .scenarios import Scenario
from .scenarios.steps import CredentialsStep


class AdminLoginScenario(Scenario):
    """How the lockout, the signals and the audit log name the admin's login page; never routed under login/."""

    key = "admin"
    name = "Django admin"
    # What the page asks for: an email and its password, as the credentials step does.
    steps = (CredentialsStep(),)


ADMIN_LOGIN = AdminLoginScenario()


class LockoutAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form, counted in the per-account and per-client budgets of login/lockout.py."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        if self.request is None:
            # Counting needs the client's address; the admin's login view always passes the request.
            raise ImproperlyConfigured("LockoutAdminAuthenticationForm is bound to a request.")
        attempt = lockout.Attempt(
            self.request, submitted_identifier(username), ADMIN_LOGIN.key, ADMIN_LOGIN.first_step().key
        )
        try:
            lockout.check_allowed(attempt)
        except LockedOut:
            # The cost and the message of a wrong password: a lock tells nothing here.
            make_password(password)
            raise self.get_invalid_login_error() from None
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            lockout.record_failure(attempt, INVALID_CREDENTIALS)
            raise self.get_invalid_login_error()
        # Inactive and non-staff accounts are refused here, after a right password: no failure, no success.
        self.confirm_login_allowed(self.user_cache)
        self.confirm_second_factor(self.user_cache, attempt)
        lockout.record_success(attempt)
        login_succeeded.send(
            sender=AdminLoginScenario, request=self.request, scenario=ADMIN_LOGIN, user=self.user_cache
        )
        return self.cleaned_data

    def confirm_second_factor(self, user: Any, attempt: lockout.Attempt) -> None:
        """After a right password: what else the account must prove (the mfa app's form asks for its second
        factor). Raise a ValidationError to refuse, after counting a wrong answer with `lockout.record_failure`."""


def submitted_identifier(username: str) -> str:
    """The identifier the attempt counts against: the canonical email, as the API's, or the text as typed."""
    try:
        return normalize_email(username)
    except EmailAddressInvalid:
        # No account has it; it is counted all the same, so that nothing tells it apart.
        return username.strip()
