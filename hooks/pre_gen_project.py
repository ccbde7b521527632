"""Refuse impossible answers before cookiecutter writes a single file.

Every check runs and yields one line per problem it finds, so that a refused render names every
problem at once; main() exits with them as one message (cookiecutter prints it, deletes the project
folder it had created, and exits non-zero).
"""

from __future__ import annotations

import keyword
import re
import sys
import zoneinfo
from collections.abc import Iterator

ANSWERS = {
    "project_name": {{ cookiecutter.project_name | tojson }},
    "description": {{ cookiecutter.description | tojson }},
    "author_name": {{ cookiecutter.author_name | tojson }},
    "project_slug": {{ cookiecutter.project_slug | tojson }},
    "email": {{ cookiecutter.email | tojson }},
    "domain_name": {{ cookiecutter.domain_name | tojson }},
    "timezone": {{ cookiecutter.timezone | tojson }},
    "auth_role": {{ cookiecutter.auth_role | tojson }},
    "signing_algorithm": {{ cookiecutter.signing_algorithm | tojson }},
    "use_password_login": {{ cookiecutter.use_password_login | tojson }},
    "use_email_code_login": {{ cookiecutter.use_email_code_login | tojson }},
    "use_password_then_email_code": {{ cookiecutter.use_password_then_email_code | tojson }},
}

# Package names that would shadow a module the generated project imports.
# Longer package names push generated import lines past the formatter's line length.
MAX_SLUG_LENGTH = 32
RESERVED_SLUGS = {"config", "django", "rest_framework", "celery", "tests", "test", "manage"}
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# These answers are written inside Python and TOML string literals.
FREE_TEXT_PROMPTS = ("project_name", "description", "author_name")
LOGIN_SCENARIO_PROMPTS = ("use_password_login", "use_email_code_login", "use_password_then_email_code")
# signing_algorithm is a text prompt (its default follows auth_role), so cookiecutter does not hold it to a list.
SIGNING_ALGORITHMS = ("HS256", "RS256", "EdDSA")


def check_free_text(answers: dict[str, str]) -> Iterator[str]:
    for prompt in FREE_TEXT_PROMPTS:
        value = answers[prompt]
        if not value.strip() or any(character in value for character in '"\\') or not value.isprintable():
            yield f"{prompt} must be non-empty printable text without double quotes or backslashes."


def check_project_slug(answers: dict[str, str]) -> Iterator[str]:
    slug = answers["project_slug"]
    if not slug.isidentifier() or keyword.iskeyword(slug) or slug != slug.lower():
        yield f"project_slug {slug!r} must be a lowercase Python identifier, such as 'my_api'."
    if len(slug) > MAX_SLUG_LENGTH:
        yield f"project_slug {slug!r} is longer than {MAX_SLUG_LENGTH} characters; choose a shorter one."
    if slug in RESERVED_SLUGS:
        yield f"project_slug {slug!r} would shadow the module of the same name; choose another."


def check_email(answers: dict[str, str]) -> Iterator[str]:
    if not EMAIL_PATTERN.match(answers["email"]):
        yield f"email {answers['email']!r} is not an email address."


def check_domain_name(answers: dict[str, str]) -> Iterator[str]:
    if not DOMAIN_PATTERN.match(answers["domain_name"]):
        yield f"domain_name {answers['domain_name']!r} must be a lowercase host name such as 'api.example.com'."


def check_timezone(answers: dict[str, str]) -> Iterator[str]:
    try:
        zoneinfo.ZoneInfo(answers["timezone"])
    # A region such as "America" names a folder of the zone database: OSError, not ZoneInfoNotFoundError.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        yield f"timezone {answers['timezone']!r} is not an IANA time zone such as 'Europe/Paris' or 'UTC'."


def check_signing_algorithm(answers: dict[str, str]) -> Iterator[str]:
    algorithm, role = answers["signing_algorithm"], answers["auth_role"]
    if algorithm not in SIGNING_ALGORITHMS:
        yield f"signing_algorithm {algorithm!r} must be one of {', '.join(SIGNING_ALGORITHMS)}."
    elif algorithm == "HS256" and role != "standalone":
        yield (
            f"auth_role={role} needs an asymmetric signing_algorithm (RS256 or EdDSA): "
            "with HS256 every service that verifies tokens could also mint them."
        )


def check_login_scenarios(answers: dict[str, str]) -> Iterator[str]:
    if all(answers[prompt] == "n" for prompt in LOGIN_SCENARIO_PROMPTS):
        yield "At least one login scenario must be enabled: " + ", ".join(LOGIN_SCENARIO_PROMPTS) + "."


CHECKS = (
    check_free_text,
    check_project_slug,
    check_email,
    check_domain_name,
    check_timezone,
    check_signing_algorithm,
    check_login_scenarios,
)


def problems_with(answers: dict[str, str]) -> list[str]:
    """Every problem of every check, in the order of the prompts."""
    return [problem for check in CHECKS for problem in check(answers)]


def main() -> None:
    if problems := problems_with(ANSWERS):
        sys.exit("\n".join(f"ERROR: {problem}" for problem in problems))


if __name__ == "__main__":
    main()
