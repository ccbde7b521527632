"""Helpers of the query-budget tests: which of the queries a request made read the user row.

The budgets themselves are asserted with pytest-django's `django_assert_num_queries` and
`django_assert_max_num_queries`, which count every statement sent to the default database
(and list them when a budget is exceeded); these helpers say what the statements were.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection


def user_table() -> str:
    """The user table's name as it appears, quoted, in the SQL Django sends."""
    return connection.ops.quote_name(get_user_model()._meta.db_table)


def user_row_reads(captured_queries: Iterable[dict[str, Any]]) -> list[str]:
    """The SELECT statements among `captured_queries` that read the user table (also as a JOIN)."""
    table = user_table()
    return [
        query["sql"]
        for query in captured_queries
        if query["sql"].lstrip().upper().startswith("SELECT") and table in query["sql"]
    ]


def statements(captured_queries: Iterable[dict[str, Any]]) -> str:
    """The captured statements, one per line and cut short: what an assertion message shows."""
    return "\n".join(query["sql"][:160] for query in captured_queries)
