"""The audit log in the admin: read-only, so staff see what happened."""

from __future__ import annotations

from django.contrib import admin

from ..api.read_only_admin import ReadOnlyModelAdmin
from .models import AuthEvent


@admin.register(AuthEvent)
class AuthEventAdmin(ReadOnlyModelAdmin):
    """The audit log: written by the audit receivers only, never edited, deleted by its retention task."""

    list_display = ("created_at", "kind", "user", "identifier_hash", "client_ip")
    list_filter = ("kind", "created_at")
    # An identifier hash or an address pasted from a log line finds the account's events.
    search_fields = ("user__email", "identifier_hash", "client_ip")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_select_related = ("user",)
    readonly_fields = ("kind", "user", "identifier_hash", "client_ip", "user_agent", "created_at", "extra")
