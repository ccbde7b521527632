"""The named combinations of answers the matrix renders.

Together they give every choice of every prompt at least once (test_matrix.py checks that against
cookiecutter.json, so a new choice fails loudly until a combination here renders it). Each combination
must be one the pre-generation hook accepts: HS256 only with auth_role=standalone, and at least one
login scenario enabled. Answers not given are the template's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Combination:
    """A set of answers with a name that says what it is for; the name is the pytest id."""

    name: str
    answers: dict[str, Any] = field(default_factory=dict)

    def resolved(self, defaults: dict[str, Any]) -> dict[str, Any]:
        """Every prompt's answer: this combination's, else the template's default."""
        return {**defaults, **self.answers}


COMBINATIONS = (
    # What `cookiecutter --no-input` renders, and what the README's demo serves.
    Combination("defaults"),
    Combination(
        "auth-service-rs256-cookie-postgresql-rabbitmq",
        {
            "auth_role": "auth_service",
            "signing_algorithm": "RS256",
            "token_transport": "cookie",
            "use_password_login": "y",
            "use_email_code_login": "n",
            "use_password_then_email_code": "n",
            "use_registration": "n",
            "database": "postgresql",
            "task_broker": "rabbitmq",
            "use_demo_frontend": "n",
            "use_dev_auto_login": "y",
            "use_docker": "n",
        },
    ),
    Combination(
        "client-service-eddsa-both-postgresql",
        {
            "auth_role": "client_service",
            "signing_algorithm": "EdDSA",
            "token_transport": "both",
            "use_password_login": "n",
            "use_email_code_login": "y",
            "use_password_then_email_code": "n",
            "database": "postgresql",
            "use_docker": "n",
        },
    ),
    # Long names and quotes inside the text answers: these land in Python and TOML string literals,
    # in long lines that ruff format might want to wrap, and in the README's title.
    Combination(
        "long-names-and-apostrophes",
        {
            "project_name": "Northwind Traders Partner Authentication Gateway for Regional Subsidiaries",
            # The longest package name the pre-generation hook accepts.
            "project_slug": "northwind_partners_auth_gateways",
            "description": "The partners' single sign-on: it's where each subsidiary's apps get their tokens.",
            "author_name": "Siobhán O'Connor-Ní Bhriain",
            "email": "siobhan.oconnor@partners.example.org",
            "domain_name": "auth.partners.example.org",
            "timezone": "America/Argentina/Buenos_Aires",
            "signing_algorithm": "EdDSA",
            "token_transport": "cookie",
            "use_password_login": "n",
            "use_email_code_login": "n",
            "use_password_then_email_code": "y",
        },
    ),
)
