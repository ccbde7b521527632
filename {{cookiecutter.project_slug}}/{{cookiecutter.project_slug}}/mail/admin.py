"""The email outbox in the admin: read-only, so staff see what was sent and why not."""

from __future__ import annotations

from django.contrib import admin

from ..api.read_only_admin import ReadOnlyModelAdmin
from .models import OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyModelAdmin):
    """Outbox rows as the delivery code left them; nobody edits them by hand (the drain and tasks do)."""

    list_display = ("kind", "user", "status", "attempts", "created_at", "sent_at", "next_attempt_at")
    list_filter = ("status", "kind")
    search_fields = ("user__email",)
    ordering = ("-created_at",)
    list_select_related = ("user",)
    # Rows hold an account id, never an address or a secret: showing them leaks nothing new.
    readonly_fields = (
        "kind",
        "user",
        "status",
        "created_at",
        "next_attempt_at",
        "attempts",
        "sent_at",
        "last_error",
    )
