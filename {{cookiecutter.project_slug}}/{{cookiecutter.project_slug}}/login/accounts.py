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

import abc
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Expression, JSONField, QuerySet

from ..users.managers import EmailAddressInvalid, normalize_email
from .completion import REQUIREMENTS

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from ..users.models import User

# The annotation that carries the groups' `[id, name]` pairs until they are put in the prefetch cache.
LOADED_GROUPS = "login_loaded_groups"


class AboutOuterAccount(Expression, metaclass=abc.ABCMeta):
    """An annotation of the account query written as SQL about the outer row: compiled in no time.

    Django compiles a correlated Subquery or Exists anew for each query it sends: about 2 ms
    per login for the groups and the second-factor flag, more than the two queries they
    replace (docs/benchmarks.md); a few lines of SQL cost next to nothing. Subclasses give
    `sql(connection, user_id)`, where `user_id` is the outer row's quoted primary key column;
    the SQL must run on SQLite and PostgreSQL.
    """

    @abc.abstractmethod
    def sql(self, connection: BaseDatabaseWrapper, user_id: str) -> str:
        """The annotation's SQL, about the outer row whose quoted primary key column is `user_id`."""

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[()]]:
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        primary_key: Any = compiler.query.get_meta().pk
        column = connection.ops.quote_name(primary_key.column)
        return self.sql(connection, f"{table}.{column}"), ()


class GroupPairs(AboutOuterAccount):
    """The outer user's groups as one JSON array of `[id, name]` pairs, NULL without groups.

    SQLite's JSON functions, or PostgreSQL's `jsonb` ones (which reach the JSONField as
    text, as its columns do: `json` would arrive already decoded).
    """

    output_field = JSONField()

    def sql(self, connection: BaseDatabaseWrapper, user_id: str) -> str:
        quote = connection.ops.quote_name
        groups: Any = get_user_model()._meta.get_field("groups")
        pairs = "JSONB_AGG(JSONB_BUILD_ARRAY" if connection.vendor == "postgresql" else "JSON_GROUP_ARRAY(JSON_ARRAY"
        group_key: Any = Group._meta.pk
        group_id, name = quote(group_key.column), quote("name")
        # Only names from the models' options, quoted: nothing of a request's reaches this SQL.
        return (
            f"(SELECT {pairs}(g.{group_id}, g.{name})) FROM {quote(Group._meta.db_table)} g"  # noqa: S608
            f" INNER JOIN {quote(groups.m2m_db_table())} ug ON ug.{quote(groups.m2m_reverse_name())} = g.{group_id}"
            f" WHERE ug.{quote(groups.m2m_column_name())} = {user_id})"
        )


def accounts() -> QuerySet[User]:
    """The users as a login reads them: each row with its groups and what the completion requirements ask for."""
    annotations: dict[str, Any] = {LOADED_GROUPS: GroupPairs()}
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
