"""What accounts add to the user admin: resending the activation email."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..mail.tasks import Kind, queue_email
from ..users.admin import EXTRA_USER_ACTIONS


@admin.action(description=_("Resend the activation email"), permissions=["change"])
def resend_activation_email(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    """Queue the activation email again (through the outbox) for the selected accounts that wait for it."""
    waiting = [user for user in queryset if user.awaits_activation]
    with transaction.atomic():
        for user in waiting:
            queue_email(Kind.ACTIVATION, user.pk)
    skipped = queryset.count() - len(waiting)
    queued = len(waiting)
    modeladmin.message_user(
        request, ngettext("Queued %d activation email.", "Queued %d activation emails.", queued) % queued
    )
    if skipped:
        modeladmin.message_user(
            request,
            ngettext(
                "Skipped %d user who is not waiting for activation.",
                "Skipped %d users who are not waiting for activation.",
                skipped,
            )
            % skipped,
            level=messages.WARNING,
        )


EXTRA_USER_ACTIONS.append(resend_activation_email)
