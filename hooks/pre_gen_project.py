"""Refuse impossible answers before cookiecutter writes a single file.

Each check returns a one-line reason or None; the first failure stops the render
with that line (cookiecutter prints it and exits non-zero).
"""

from __future__ import annotations

import keyword
import re
import sys
import zoneinfo

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


def check_free_text(answers: dict[str, str]) -> str | None:
    for prompt in FREE_TEXT_PROMPTS:
        value = answers[prompt]
        if not value.strip() or any(character in value for character in '"\\') or not value.isprintable():
            return f"{prompt} must be non-empty printable text without double quotes or backslashes."
    return None


def check_project_slug(answers: dict[str, str]) -> str | None:
    slug = answers["project_slug"]
    if not slug.isidentifier() or keyword.iskeyword(slug) or slug != slug.lower():
        return f"project_slug {slug!r} must be a lowercase Python identifier, such as 'my_api'."
    if len(slug) > MAX_SLUG_LENGTH:
        return f"project_slug {slug!r} is longer than {MAX_SLUG_LENGTH} characters; choose a shorter one."
    if slug in RESERVED_SLUGS:
        return f"project_slug {slug!r} would shadow the module of the same name; choose another."
    return None


def check_email(answers: dict[str, str]) -> str | None:
    if not EMAIL_PATTERN.match(answers["email"]):
        return f"email {answers['email']!r} is not an email address."
    return None


def check_domain_name(answers: dict[str, str]) -> str | None:
    if not DOMAIN_PATTERN.match(answers["domain_name"]):
        return f"domain_name {answers['domain_name']!r} must be a lowercase host name such as 'api.example.com'."
    return None


def check_timezone(answers: dict[str, str]) -> str | None:
    try:
        zoneinfo.ZoneInfo(answers["timezone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"timezone {answers['timezone']!r} is not an IANA time zone such as 'Europe/Paris' or 'UTC'."
    return None


def check_signing_algorithm(answers: dict[str, str]) -> str | None:
    if answers["signing_algorithm"] == "HS256" and answers["auth_role"] != "standalone":
        return (
            f"auth_role={answers['auth_role']} needs an asymmetric signing_algorithm (RS256 or EdDSA): "
            "with HS256 every service that verifies tokens could also mint them."
        )
    return None


def check_login_scenarios(answers: dict[str, str]) -> str | None:
    if all(answers[prompt] == "n" for prompt in LOGIN_SCENARIO_PROMPTS):
        return "At least one login scenario must be enabled: " + ", ".join(LOGIN_SCENARIO_PROMPTS) + "."
    return None


CHECKS = (
    check_free_text,
    check_project_slug,
    check_email,
    check_domain_name,
    check_timezone,
    check_signing_algorithm,
    check_login_scenarios,
)


def main() -> None:
    for check in CHECKS:
        reason = check(ANSWERS)
        if reason:
            sys.exit(f"ERROR: {reason}")


if __name__ == "__main__":
    main()
