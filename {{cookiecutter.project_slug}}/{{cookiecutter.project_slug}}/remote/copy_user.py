"""`request.user` on a client service: the token's claims, with the local copy read only when something needs it.

The access token carries what most requests need of their user (the id, the email,
the names, the staff flags: USER_CLAIMS_IN_ACCESS_TOKENS on the auth service), so
`CopyUser` answers those from the claims, as `ClaimsUser` does, and reads the local
copy (creating or updating it from the claims, remote/users.py) on the first use of
anything else: a field of this service's own, the groups, the permissions, a method.

What the token cannot say is whether this service has switched the copy off
(`is_active=False` in its own admin). Checking it on every request is a query on
every request; instead each process remembers, per user, that it saw the copy in
step with the claims and active, and trusts that for
GATEHOUSE["REMOTE_USER_COPY_CHECK_INTERVAL"] (30 seconds by default):

- a token whose user fields differ from the ones the process last saw the copy with
  (a new name, new staff flags) reads the copy at once, and writes it;
- a copy deactivated (or deleted) through the model in this process (the admin, the
  shell) is forgotten at once: its next request reads the copy and is refused;
- a copy deactivated another way, or by another process, is refused by each process
  within the interval;
- an interval of 0 reads the copy on every request, as a service that needs every
  deactivation seen at once would.

A refused token answers 401 `token_not_valid`, as before.
"""

from __future__ import annotations

import threading
import time
from functools import cached_property
from typing import TYPE_CHECKING, Any

from rest_framework_simplejwt.settings import api_settings

from ..authn.conf import gatehouse_settings
from ..authn.token_user import ClaimsUser
from .users import user_from_claims

if TYPE_CHECKING:
    from ..users.models import User


class CopyUser(ClaimsUser):
    """The user of an auth service's access token, whose row is this service's local copy of them."""

    @cached_property
    def row(self) -> User | None:
        """The local copy, read once, on first use: created or updated to match the claims (remote/users.py)."""
        return user_from_claims(self.token.payload)


class RecentCopies:
    """Per process: the users whose copy was lately seen in step with their claims, and whether it was active.

    Bounded: past MAX_REMEMBERED users, the memory starts again (a few extra reads).
    """

    MAX_REMEMBERED = 10_000
    # Seconds that only ever move forward (tests move them on).
    clock = staticmethod(time.monotonic)

    def __init__(self) -> None:
        self._seen: dict[str, tuple[float, str, bool]] = {}
        self._lock = threading.Lock()

    def known(self, user_id: str, fields: str) -> bool | None:
        """Whether the copy was active, if it was seen with these `fields` within the interval; else None."""
        seen = self._seen.get(user_id)
        if seen is None:
            return None
        seen_at, seen_fields, active = seen
        interval = gatehouse_settings.REMOTE_USER_COPY_CHECK_INTERVAL.total_seconds()
        if seen_fields != fields or self.clock() - seen_at >= interval:
            return None
        return active

    def note(self, user_id: str, fields: str, active: bool) -> None:
        """Remember that the copy of `user_id` was just read with these `fields`, and whether it was active."""
        with self._lock:
            if len(self._seen) >= self.MAX_REMEMBERED:
                self._seen.clear()
            self._seen[user_id] = (self.clock(), fields, active)

    def forget(self, user_id: str | None = None) -> None:
        """Read the copy of `user_id` (of every user, without one) again at its next request."""
        with self._lock:
            if user_id is None:
                self._seen.clear()
            else:
                self._seen.pop(user_id, None)


recent_copies = RecentCopies()


def copy_fields(claims: Any) -> str:
    """The user fields the claims stand for (REMOTE_USER_CLAIMS_MAPPER), in a form that compares."""
    return repr(sorted(gatehouse_settings.REMOTE_USER_CLAIMS_MAPPER(claims).items()))


def copy_is_active(user: CopyUser) -> bool:
    """Whether this service lets the token's user in: from this process's memory, or by reading the copy.

    Raises TokenNotValid (from remote/users.py) for a user id that is not one.
    """
    user_id = str(user.pk)
    fields = copy_fields(user.token.payload)
    active = recent_copies.known(user_id, fields)
    if active is None:
        row = user.row
        active = bool(api_settings.USER_AUTHENTICATION_RULE(row))
        recent_copies.note(user_id, fields, active)
    return active


def forget_copy(sender: type, instance: User, **kwargs: Any) -> None:
    """`post_save` and `post_delete` receiver: a copy changed here is read again at its user's next request."""
    recent_copies.forget(str(instance.pk))
