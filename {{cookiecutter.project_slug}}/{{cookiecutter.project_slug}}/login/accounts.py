"""How a login reads its account: one query for the row and everything the rest of the login needs of it.

A completed login's answer lists the account's groups, and each completion requirement
(login/completion.py) asks something of the account before tokens are issued (the mfa
app: whether it has a second factor). Read one by one, those are queries of their own
after the row's; here they are loaded with the row, as columns of the same SELECT:

- the groups, as one JSON array of `[id, name]` pairs (a correlated subquery), put in
  the row's prefetch cache, so that `user.groups.all()` (the answer's serializer) sends
  no query;
- what each requirement's `account_annotations()` names, as annotations of the row,
  which its `applies()` reads instead of querying.

An account read otherwise (a custom step's own query) works the same, one query more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Aggregate, JSONField, OuterRef, QuerySet, Subquery

from ..users.managers import EmailAddressInvalid, normalize_email
from .completion import REQUIREMENTS

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from ..users.models import User

# The annotation that carries the groups' `[id, name]` pairs until they are put in the prefetch cache.
LOADED_GROUPS = "login_loaded_groups"


class JSONPairs(Aggregate):
    """The aggregated pairs of two values as one JSON array of arrays, in SQL that SQLite and PostgreSQL both run.

    Written out rather than as Django's JSONArray, whose SQLite check of JSON support is a
    query of its own the first time a connection meets it. PostgreSQL's `jsonb` reaches
    the JSONField as text, as its columns do (`json` would arrive already decoded).
    """

    template = "JSON_GROUP_ARRAY(JSON_ARRAY(%(expressions)s))"
    output_field = JSONField()

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="JSONB_AGG(JSONB_BUILD_ARRAY(%(expressions)s))", **extra)


def group_pairs() -> Subquery:
    """The `[id, name]` pairs of the outer user's groups, as one JSON array (NULL without groups)."""
    groups = Group.objects.filter(user=OuterRef("pk")).values("user").annotate(pairs=JSONPairs("id", "name"))
    return Subquery(groups.values("pairs"), output_field=JSONField())


def accounts() -> QuerySet[User]:
    """The users as a login reads them: each row with its groups and what the completion requirements ask for."""
    annotations: dict[str, Any] = {LOADED_GROUPS: group_pairs()}
    for requirement in REQUIREMENTS:
        annotations.update(requirement.account_annotations())
    return get_user_model()._default_manager.annotate(**annotations)


def with_groups_cached(user: User | None) -> User | None:
    """`user` with the groups its query loaded in its prefetch cache, as `prefetch_related("groups")` leaves them."""
    if user is None:
        return None
    pairs = user.__dict__.pop(LOADED_GROUPS, None) or []
    manager = user.groups
    cached = manager.get_queryset()
    # What Django's prefetch_related_objects() stores: an evaluated queryset that `.all()` hands back.
    cached._result_cache = [Group(id=group_id, name=name) for group_id, name in pairs]
    cached._prefetch_done = True  # type: ignore[attr-defined]
    user._prefetched_objects_cache = {manager.prefetch_cache_name: cached}  # type: ignore[attr-defined]
    return user


def account_by_email(email: str) -> User | None:
    """The account of `email` in any spelling, or None (also for an address without a canonical form): one query."""
    try:
        canonical = normalize_email(email)
    except EmailAddressInvalid:
        return None
    return with_groups_cached(accounts().filter(email=canonical).first())


def account_by_id(user_id: str | None) -> User | None:
    """The account of `user_id`, or None: one query, also when `user_id` is None (the cost tells nothing)."""
    # The plugin refuses None for a primary key lookup; Django takes it as `IS NULL`, which finds nobody.
    return with_groups_cached(accounts().filter(pk=user_id).first())  # type: ignore[misc]
