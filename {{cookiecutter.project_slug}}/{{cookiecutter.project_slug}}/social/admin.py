"""Linked identities in the admin: staff see who signs in with which provider, and can unlink one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import SocialIdentity


@admin.register(SocialIdentity)
class SocialIdentityAdmin(admin.ModelAdmin):
    """The identities of every provider; linked by signing in, so staff only look and unlink."""

    list_display = ("user", "provider", "email", "created_at", "last_login_at")
    list_filter = ("provider", "created_at")
    # A provider's subject, or the address it gave, finds the identity; the account's address too.
    search_fields = ("user__email", "email", "subject")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = ("user", "provider", "subject", "email", "created_at", "last_login_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An identity is what a provider asserted at a sign-in; staff cannot assert it for them.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
