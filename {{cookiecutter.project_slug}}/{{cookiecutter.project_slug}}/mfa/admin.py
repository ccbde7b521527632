"""What the mfa app adds to the admin: the second factor at its login page, and removing every second factor
of a user who lost them all.

The factors themselves are not shown: the admin never displays a secret, a recovery code's
hash or a public key. docs/mfa.md says when staff use the action (after checking who asks).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..users.admin import EXTRA_USER_ACTIONS
from .admin_login import SecondFactorAdminAuthenticationForm
from .factors import remove_every_factor

# Staff with a second factor give it at the admin's login page too (mfa/admin_login.py); this app's admin
# module is loaded after the login app's, whose lockout form this one extends.
admin.site.login_form = SecondFactorAdminAuthenticationForm
admin.site.login_template = "mfa/admin/login.html"


@admin.action(description=_("Remove every second factor"), permissions=["change"])
def remove_second_factors(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    """Remove the TOTP, passkeys and recovery codes of the selected users; each is emailed, and it is audited."""
    users = list(queryset)
    for user in users:
        remove_every_factor(request, user)
    modeladmin.message_user(
        request,
        ngettext("Removed the second factors of %d user.", "Removed the second factors of %d users.", len(users))
        % len(users),
    )


EXTRA_USER_ACTIONS.append(remove_second_factors)
