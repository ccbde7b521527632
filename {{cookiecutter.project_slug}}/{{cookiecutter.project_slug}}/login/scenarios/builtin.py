"""The built-in scenarios; GATEHOUSE["LOGIN_SCENARIOS"] chooses which are offered."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .base import Scenario
from .steps import CredentialsStep, EmailCodeStep, EmailRequestStep


class PasswordScenario(Scenario):
    """`password`: an email and a password, in one step."""

    key = "password"
    name = _("Email and password")
    steps = (CredentialsStep(),)


class EmailCodeScenario(Scenario):
    """`email-code`: an email address, then the code emailed to it."""

    key = "email-code"
    name = _("Code by email")
    steps = (EmailRequestStep(), EmailCodeStep())


class PasswordAndEmailCodeScenario(Scenario):
    """`password-and-email-code`: an email and a password, then a code emailed to the account."""

    key = "password-and-email-code"
    name = _("Password, then a code by email")
    steps = (CredentialsStep(), EmailCodeStep())
