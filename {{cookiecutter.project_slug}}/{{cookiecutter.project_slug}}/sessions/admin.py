"""Sessions in the admin: staff see every login of a user and can end one, as its user can (`DELETE sessions/<id>/`)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..api.read_only_admin import ReadOnlyModelAdmin
from ..authn.signals import session_ended
from .models import RefreshFamily
from .service import end_session


@admin.register(RefreshFamily)
class RefreshFamilyAdmin(ReadOnlyModelAdmin):
    """One row per login; the rows are written by logins and refreshes, and ended, never edited."""

    list_display = ("id", "user", "scenario", "started_at", "last_used_at", "ip", "revoked_at", "revoked_because")
    list_filter = ("revoked_because", "scenario", "started_at")
    search_fields = ("id", "user__email", "ip")
    date_hierarchy = "started_at"
    ordering = ("-started_at",)
    list_select_related = ("user",)
    readonly_fields = (
        "id",
        "user",
        "scenario",
        "started_at",
        "last_used_at",
        "expires_at",
        "ip",
        "user_agent",
        "revoked_at",
        "revoked_because",
    )
    # The current token's jti is the one thing that could help forge a replay; it stays out of sight.
    exclude = ("current_jti",)
    actions = ["end_sessions"]

    @admin.action(description=_("End the selected sessions"))
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[RefreshFamily]) -> None:
        ended = 0
        for family in queryset.filter(revoked_at__isnull=True).select_related("user"):
            if end_session(family.user_id, family.pk) is not None:
                # Staff end sessions they do not trust: their devices are forgotten with them.
                session_ended.send(
                    sender=type(self), request=request, user=family.user, session=family.pk, forget_device=True
                )
                ended += 1
        self.message_user(
            request,
            ngettext("%(count)d session ended.", "%(count)d sessions ended.", ended) % {"count": ended},
            messages.SUCCESS,
        )
