from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..authn import outbox
from ..authn.tokens import revoke_all_refresh_tokens
from .models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


class UserChangeFormForEmail(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """The admin of the email-login user model (Django's, without the username)."""

    form = UserChangeFormForEmail
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "activation_pending", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "activation_pending", "is_staff", "is_superuser", "groups")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    actions = ("activate_users", "deactivate_users", "resend_activation_email")

    @admin.action(description=_("Activate the selected users"), permissions=["change"])
    def activate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Switch the accounts on, whether they waited for their activation link or were deactivated."""
        count = queryset.update(is_active=True, activation_pending=False)
        self.message_user(request, ngettext("Activated %d user.", "Activated %d users.", count) % count)

    @admin.action(description=_("Deactivate the selected users"), permissions=["change"])
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Switch the accounts off and end their sessions; no activation link switches them back on."""
        with transaction.atomic():
            users = list(queryset.select_for_update())
            queryset.update(is_active=False, activation_pending=False)
            for user in users:
                revoke_all_refresh_tokens(user)
        count = len(users)
        self.message_user(request, ngettext("Deactivated %d user.", "Deactivated %d users.", count) % count)

    @admin.action(description=_("Resend the activation email"), permissions=["change"])
    def resend_activation_email(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Queue the activation email again (through the outbox) for the selected accounts that wait for it."""
        waiting = [user for user in queryset if outbox.awaits_activation(user)]
        with transaction.atomic():
            for user in waiting:
                outbox.enqueue(outbox.Kind.ACTIVATION, user)
        skipped = queryset.count() - len(waiting)
        queued = len(waiting)
        self.message_user(
            request, ngettext("Queued %d activation email.", "Queued %d activation emails.", queued) % queued
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "Skipped %d user who is not waiting for activation.",
                    "Skipped %d users who are not waiting for activation.",
                    skipped,
                )
                % skipped,
                level=messages.WARNING,
            )
