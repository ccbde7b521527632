"""The known devices in the admin: which devices each account has logged in on, and forgetting them.

Deleting a row forgets that device: its next password login asks for an emailed code again.
The token's digest is never shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import KnownDevice


@admin.register(KnownDevice)
class KnownDeviceAdmin(admin.ModelAdmin):
    """One row per device and account; rows are written by logins, and staff delete them (forget the device)."""

    list_display = ("user", "user_agent", "created_at", "last_login_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "user_agent")
    date_hierarchy = "last_login_at"
    ordering = ("-last_login_at",)
    fields = ("user", "user_agent", "session_id", "created_at", "last_login_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A device becomes known by completing a login on it, never by hand.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
