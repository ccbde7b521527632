from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import User
from .signals import user_deactivated

# Admin actions on users that other apps add (accounts: resend the activation email), listed
# after the users app's own; each is a function (modeladmin, request, queryset).
EXTRA_USER_ACTIONS: list[Any] = []


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
    actions = ("activate_users", "deactivate_users")

    @admin.action(description=_("Activate the selected users"), permissions=["change"])
    def activate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Switch the accounts on, whether they waited for their activation link or were deactivated."""
        count = queryset.update(is_active=True, activation_pending=False)
        self.message_user(request, ngettext("Activated %d user.", "Activated %d users.", count) % count)

    @admin.action(description=_("Deactivate the selected users"), permissions=["change"])
    def deactivate_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Switch the accounts off and end their sessions; no activation link switches them back on."""
        with transaction.atomic():
            # FOR NO KEY UPDATE, not FOR UPDATE: rows written meanwhile that refer to a user check that foreign
            # key at their commit with FOR KEY SHARE, which waits for FOR UPDATE alone; a receiver that then
            # waited for their transaction's other rows would deadlock with it.
            users = list(queryset.select_for_update(no_key=True))
            queryset.update(is_active=False, activation_pending=False)
            for user in users:
                user_deactivated.send(sender=User, request=request, user=user)
        count = len(users)
        self.message_user(request, ngettext("Deactivated %d user.", "Deactivated %d users.", count) % count)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """The actions of this class, then those of EXTRA_USER_ACTIONS that the user is permitted."""
        actions = super().get_actions(request)
        for action in EXTRA_USER_ACTIONS:
            permissions = getattr(action, "allowed_permissions", ())
            if not all(getattr(self, f"has_{permission}_permission")(request) for permission in permissions):
                continue
            name = action.__name__
            actions[name] = (action, name, getattr(action, "short_description", name))
        return actions
