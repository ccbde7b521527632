"""What the login app adds to the admin: the lockout on the admin's login page, and lifting an account's lock."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..users.admin import EXTRA_USER_ACTIONS
from .admin_login import LockoutAdminAuthenticationForm
from .lockout import clear_account_lockout

# The admin's login page counts in the lockout like every other way to log in (login/admin_login.py).
admin.site.login_form = LockoutAdminAuthenticationForm


@admin.action(description=_("Lift the login lockout"), permissions=["change"])
def lift_login_lockout(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    """End the lock and the count of wrong answers of the selected accounts, a lock until a reset included."""
    users = list(queryset)
    for user in users:
        clear_account_lockout(user.get_username())
    modeladmin.message_user(
        request, ngettext("Lifted the lockout of %d user.", "Lifted the lockout of %d users.", len(users)) % len(users)
    )


EXTRA_USER_ACTIONS.append(lift_login_lockout)
