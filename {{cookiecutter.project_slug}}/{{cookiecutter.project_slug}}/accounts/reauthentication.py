"""The answers `POST reauthenticate/` takes besides the password: the factors other apps register.

The password is always one. An app that adds a factor (the `mfa` app: a TOTP or recovery
code, a passkey assertion) registers a `ReauthenticationFactor` from its AppConfig.ready():
the field of the body that carries it, how the field is read, and how the answer is
checked. The body then holds exactly one of the fields; a wrong answer counts against the
account like a wrong password (login/lockout.py). Calls go from those apps to accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.request import Request

if TYPE_CHECKING:
    from ..users.models import User


@dataclass(frozen=True)
class ReauthenticationFactor:
    """One more way to reauthenticate: the body field that carries it and how its answer is checked."""

    # The field of the body, such as "code".
    field: str
    # A new serializer field that reads it (made for each serializer, as DRF fields are bound to one).
    serializer_field: Callable[[], serializers.Field]
    # Checks the answer for the authenticated user; raises an AuthnError (a FactorRejected when wrong).
    verify: Callable[[Request, User, Any], None]
    # What `verify` may raise, for the OpenAPI schema of `reauthenticate/`.
    errors: tuple[type[APIException], ...] = ()


# Filled from AppConfig.ready() by the apps that add factors, by field.
FACTORS: dict[str, ReauthenticationFactor] = {}


def register_factor(factor: ReauthenticationFactor) -> None:
    """Let `reauthenticate/` take `factor.field` instead of the password."""
    FACTORS[factor.field] = factor


def factor_errors() -> list[type[APIException]]:
    """The errors of every registered factor's check."""
    return [error for factor in FACTORS.values() for error in factor.errors]
