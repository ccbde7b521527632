"""The email outbox and the audit log in the admin: read-only, so staff see what happened and why."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuthEvent, OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuthEvent)
class AuthEventAdmin(admin.ModelAdmin):
    """The audit log: written by the authn app only, never edited, deleted by its retention task."""

    list_display = ("created_at", "kind", "user", "identifier_hash", "client_ip")
    list_filter = ("kind", "created_at")
    # An identifier hash or an address pasted from a log line finds the account's events.
    search_fields = ("user__email", "identifier_hash", "client_ip")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_select_related = ("user",)
    readonly_fields = ("kind", "user", "identifier_hash", "client_ip", "user_agent", "created_at", "extra")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
