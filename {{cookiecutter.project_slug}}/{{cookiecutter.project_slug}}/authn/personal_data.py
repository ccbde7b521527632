"""Everything the project holds about a user, gathered from the apps that hold it (`GET me/export/`).

Each app that keeps rows about a user registers a section from its AppConfig.ready():
a name and a function of the user returning JSON-ready data. The export is the user's
profile plus every registered section, so that an app added later (second factors,
linked identities) is exported by registering itself, and the core names none of them.
A section never holds a secret: no password hash, no token, no code, no keyed hash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..users.models import User

SECTIONS: dict[str, Callable[[User], Any]] = {}


def register_section(name: str, collect: Callable[[User], Any]) -> None:
    """Export `collect(user)` under `name` (an app's AppConfig.ready() calls this)."""
    SECTIONS[name] = collect


def personal_data_sections(user: User) -> dict[str, Any]:
    """Every registered section for `user`, by name."""
    return {name: collect(user) for name, collect in sorted(SECTIONS.items())}
