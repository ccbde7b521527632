"""The admin's login page asks staff who have a second factor for it: a TOTP code or a recovery code.

`SecondFactorAdminAuthenticationForm` is the admin site's `login_form` (mfa/admin.py): the
lockout form of login/admin_login.py with a `code` field. After a right password, an
account with a second factor must give a right code; a wrong or missing one counts in the
account's lockout budget as it does at the `mfa` step. With GATEHOUSE["MFA_REQUIRED_FOR_STAFF"],
staff without a second factor are refused, and set one up through the API first. A passkey
cannot answer here (the page runs no script); its owner uses a recovery code, or TOTP.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..authn.conf import gatehouse_settings
from ..authn.errors import CODE_INVALID, CodeInvalid
from ..login import lockout
from ..login.admin_login import LockoutAdminAuthenticationForm
from .factors import CODE_PATTERN, check_code, has_second_factor
from .steps import CODE_MAX_LENGTH


class SecondFactorAdminAuthenticationForm(LockoutAdminAuthenticationForm):
    """The admin's login form, with the second factor of the staff who have one."""

    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=CODE_MAX_LENGTH,
        strip=False,
        help_text=_("With a second factor on: the code of your authenticator app, or a recovery code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **LockoutAdminAuthenticationForm.error_messages,
        "second_factor": _("The code is incorrect."),
        "second_factor_required": _("Turn on a second factor for this account before signing in to the admin."),
    }

    def confirm_second_factor(self, user: Any, attempt: lockout.Attempt) -> None:
        if not has_second_factor(user):
            if gatehouse_settings.MFA_REQUIRED_FOR_STAFF:
                raise ValidationError(self.error_messages["second_factor_required"], code="second_factor_required")
            return
        code = self.cleaned_data.get("code") or ""
        try:
            if not re.fullmatch(CODE_PATTERN, code):
                raise CodeInvalid()
            check_code(self.request, user, code)
        except CodeInvalid:
            lockout.record_failure(attempt, CODE_INVALID)
            raise ValidationError(self.error_messages["second_factor"], code="second_factor") from None
