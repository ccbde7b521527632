"""`request.user` when TOKEN_USER_SOURCE is "claims": the User as the access token describes it, the row for the rest.

simplejwt's TokenUser knows only the id: its `email` is None and `is_staff` False, so
`IsAdminUser` refuses a superuser and a project's own views see a stub. ClaimsUser
answers from the token's claims what they carry (an auth service's tokens carry the
email, names and staff flags: USER_CLAIMS_IN_ACCESS_TOKENS), and loads the user row
on the first use of anything else: a field the claims do not carry, the groups, the
permissions, a method of the model. An authenticated request whose code reads only
the id, or only claims the token carries, runs no query; one that needs the row runs
exactly one, however often it asks.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.settings import api_settings

from .errors import TokenNotValid

if TYPE_CHECKING:
    from ..users.models import User

# The user fields that a token's claims of the same names stand for (authn/claims.py).
CLAIMED_FIELDS = ("email", "first_name", "last_name", "is_staff", "is_superuser")


class ClaimsUser(TokenUser):
    """A user made of the access token's claims, loading the row lazily for what they do not say.

    `is_active` is True without a query: the token was issued to an active user, and
    INSTANT_ACCESS_REVOCATION (or TOKEN_USER_SOURCE="database") is what refuses the
    tokens of a user deactivated since. A row that has gone (a deleted account) makes the
    first attribute that needs it raise TokenNotValid (401).
    """

    @cached_property
    def row(self) -> User | None:
        """The user row, read once, on first use; None when the account no longer exists."""
        return get_user_model().objects.filter(pk=self.pk).first()

    def loaded_row(self) -> User:
        """The user row; TokenNotValid when it no longer exists or is inactive."""
        row = self.row
        if row is None or not api_settings.USER_AUTHENTICATION_RULE(row):
            raise TokenNotValid(gettext("The token's user is inactive or deleted."))
        return row

    def claim_or_field(self, name: str) -> Any:
        """The claim `name` when the token carries it, else the row's field."""
        if name in self.token:
            return self.token[name]
        return getattr(self.loaded_row(), name)

    @cached_property
    def email(self) -> str:
        return self.claim_or_field("email")

    @cached_property
    def first_name(self) -> str:
        return self.claim_or_field("first_name")

    @cached_property
    def last_name(self) -> str:
        return self.claim_or_field("last_name")

    @cached_property
    def is_staff(self) -> bool:
        return bool(self.claim_or_field("is_staff"))

    @cached_property
    def is_superuser(self) -> bool:
        return bool(self.claim_or_field("is_superuser"))

    @cached_property
    def username(self) -> str:
        return self.email

    def get_username(self) -> str:
        return self.email

    def __str__(self) -> str:
        return self.email

    @property
    def groups(self) -> Any:
        return self.loaded_row().groups

    @property
    def user_permissions(self) -> Any:
        return self.loaded_row().user_permissions

    def get_group_permissions(self, obj: Any = None) -> set[str]:
        return self.loaded_row().get_group_permissions(obj)

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        return self.loaded_row().get_all_permissions(obj)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return self.loaded_row().has_perm(perm, obj)

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return self.loaded_row().has_perms(perm_list, obj)

    def has_module_perms(self, module: str) -> bool:
        return self.loaded_row().has_module_perms(module)

    def __getattr__(self, name: str) -> Any:
        """A claim the token carries (as TokenUser answers), else the row's attribute."""
        if name.startswith("_") or name in ("token", "row"):
            raise AttributeError(name)
        if name in self.token:
            return self.token[name]
        return getattr(self.loaded_row(), name)
