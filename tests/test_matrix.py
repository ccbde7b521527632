"""Every combination in combinations.py renders a project that passes the gates its users rely on, and the
combinations render every pair of answers the pre-generation hook accepts.

Each combination is rendered once per test session (the `project` fixture) and each gate is its own test,
so a failure reads `test_ruff_format_check_passes[long-names-and-apostrophes]`, and its message gives the
combination's answers. All tests of one
combination run on the same pytest-xdist worker (xdist_group), so it is rendered once, not once per worker.
"""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from combinations import COMBINATIONS, Combination, matrix_choices, missing_pairs
from harness.dotenv import read_env_file
from harness.pre_gen_hook import cookiecutter_answers, problems_with
from harness.processes import clean_environment, describe, run
from harness.rendering import default_answers, prompts, render
from harness.services import POSTGRESQL
from harness.venvs import virtualenv_for

# `{{ cookiecutter.x }}` or `{% if cookiecutter.x %}` that survived rendering; the project's own Django
# templates are copied unrendered and may hold `{{`/`{%`, but never about cookiecutter.
UNRENDERED_JINJA = re.compile(r"\{[{%][^}]*cookiecutter")
BROKER_URLS = {
    "redis": "redis://127.0.0.1:6379/1",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
}
# The makemigrations consistency check only reads the (absent) django_migrations table: the maintenance
# database that every PostgreSQL server has will do, and nothing is created or left behind.
POSTGRESQL_MAINTENANCE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SUITE_TIMEOUT_SECONDS = 1800
# "N skipped" in pytest's last line, which counts the tests that did not run.
SKIPPED_IN_SUMMARY = re.compile(r"\b(\d+) skipped\b")


@dataclass(frozen=True)
class RenderedProject:
    """A combination rendered into a folder, with every answer it was rendered with."""

    combination: Combination
    path: Path
    answers: dict[str, Any]
    # A database of its own on the local PostgreSQL server for database=postgresql, else None (SQLite).
    database_url: str | None

    @property
    def package(self) -> Path:
        """The project's Python package: its folder is named after project_slug, as the project's is."""
        return self.path / self.path.name

    def require_database(self) -> None:
        if self.database_url:
            POSTGRESQL.require()

    def database_environment(self, database_url: str | None = None) -> dict[str, str]:
        url = database_url or self.database_url
        return clean_environment(DATABASE_URL=url) if url else clean_environment()


@pytest.fixture(
    scope="session",
    params=[
        pytest.param(combination, id=combination.name, marks=pytest.mark.xdist_group(combination.name))
        for combination in COMBINATIONS
    ],
)
def project(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path
) -> RenderedProject:
    """The combination rendered once for the whole session."""
    combination: Combination = request.param
    path = render(combination.answers, tmp_path_factory.mktemp(f"matrix-{combination.name}"), cookiecutter_config)
    answers = combination.resolved(default_answers())
    database_url = None
    if answers["database"] == "postgresql":
        # Unique per render, so parallel or interrupted runs never share pytest-django's test database.
        name = f"gatehouse_{combination.name.replace('-', '_')[:30]}_{secrets.token_hex(4)}"
        database_url = f"postgres://postgres@127.0.0.1:5432/{name}"
    return RenderedProject(combination, path, answers, database_url)


@pytest.fixture(scope="session")
def project_bin(project: RenderedProject) -> Path:
    """bin/ of a venv holding the render's `dev` dependency group (shared between identical pins)."""
    return virtualenv_for(project.path)


def production_environment(project: RenderedProject) -> dict[str, str]:
    """What a production deployment of the render sets: the signing keys the render's `.env` holds,
    overridden by production values for everything the production settings require."""
    role_values = {}
    if project.answers["auth_role"] == "client_service":
        # Not from .env (a local http:// one): production refuses plain HTTP to the auth service.
        role_values["AUTH_SERVICE_URL"] = "https://auth.example.com"
    elif project.answers["use_account_pages"] == "n":
        # Without the account pages, the emailed links lead to the project's own frontend (accounts.E001).
        role_values["FRONTEND_URL"] = "https://app.example.com"
    required = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": project.database_url or "postgres://postgres@127.0.0.1:5432/gatehouse_deploy_check",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_HOST": "127.0.0.1",
        "CELERY_BROKER_URL": BROKER_URLS[project.answers["task_broker"]],
    }
    return clean_environment(**{**read_env_file(project.path / ".env"), **role_values, **required})


def test_every_acceptable_pair_of_answers_is_rendered():
    # The pairs the hook refuses in every completion are left out by running its own checks, so a new
    # refusal or a new choice needs no list here.
    rendered = [cookiecutter_answers(combination.answers) for combination in COMBINATIONS]
    missing = [
        f"{first}={first_answer} with {second}={second_answer}"
        for (first, first_answer), (second, second_answer) in missing_pairs(rendered, matrix_choices())
    ]
    assert not missing, (
        "Every pair of answers to two prompts that the pre-generation hook accepts must be rendered by a "
        f"combination in tests/combinations.py; none renders {', '.join(missing)}"
    )


def test_every_combination_is_accepted_by_the_pre_generation_hook():
    refused = {
        combination.name: problems
        for combination in COMBINATIONS
        if (problems := problems_with(cookiecutter_answers(combination.answers)))
    }
    assert not refused, f"The pre-generation hook would refuse these combinations: {refused}"


def test_combination_names_are_unique():
    names = [combination.name for combination in COMBINATIONS]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates, f"Each combination's name is its pytest id and must be unique: {duplicates}"


def test_combinations_answer_only_prompts_the_template_asks():
    # cookiecutter ignores an answer to a prompt it does not have, so a misspelt prompt would silently
    # render the default and the matrix would cover less than it claims.
    unknown = {
        combination.name: sorted(set(combination.answers) - set(prompts()))
        for combination in COMBINATIONS
        if set(combination.answers) - set(prompts())
    }
    assert not unknown, f"Combinations answer prompts that cookiecutter.json does not have: {unknown}"


def test_no_cookiecutter_jinja_is_left_unrendered(project: RenderedProject):
    leftovers = []
    for path in sorted(project.path.rglob("*")):
        relative = path.relative_to(project.path)
        if "{{" in str(relative) or "{%" in str(relative):
            leftovers.append(f"{relative} (in the path)")
        if not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue  # a binary file holds no Jinja
        for match in UNRENDERED_JINJA.finditer(text):
            line_number = text.count("\n", 0, match.start()) + 1
            line = text.splitlines()[line_number - 1].strip()
            leftovers.append(f"{relative}:{line_number}: {line[:120]}")
    assert not leftovers, (
        f"{project.combination.summary}: every cookiecutter variable and tag must be rendered; left as is:\n"
        + "\n".join(leftovers)
    )


def test_ruff_check_passes(project: RenderedProject, project_bin: Path):
    result = run([project_bin / "ruff", "check", "--no-cache", "--output-format", "concise", "."], cwd=project.path)
    assert result.returncode == 0, (
        f"{project.combination.summary} must pass `ruff check` as rendered:\n{describe(result)}"
    )


def test_mypy_passes(project: RenderedProject, project_bin: Path):
    # The files, and the settings that django-stubs' plugin loads, come from the render's pyproject.toml;
    # no cache is written into the render.
    result = run([project_bin / "mypy", "--cache-dir", "/dev/null"], cwd=project.path)
    assert result.returncode == 0, f"The render must pass mypy as rendered:\n{describe(result)}"


def test_ruff_format_check_passes(project: RenderedProject, project_bin: Path):
    result = run([project_bin / "ruff", "format", "--check", "--diff", "--no-cache", "."], cwd=project.path)
    assert result.returncode == 0, (
        f"{project.combination.summary} must be ruff-formatted as rendered:\n{describe(result)}"
    )


def test_production_deploy_check_passes(project: RenderedProject, project_bin: Path):
    result = run(
        [project_bin / "python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=project.path,
        environment=production_environment(project),
    )
    assert result.returncode == 0, (
        f"{project.combination.summary}: `manage.py check --deploy --fail-level WARNING` must pass under "
        "config.settings.production "
        f"with a production environment:\n{describe(result)}"
    )


def test_migrations_match_the_models(project: RenderedProject, project_bin: Path):
    project.require_database()
    result = run(
        [project_bin / "python", "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=project.path,
        environment=project.database_environment(POSTGRESQL_MAINTENANCE_URL if project.database_url else None),
    )
    assert result.returncode == 0, (
        f"{project.combination.summary} must ship every migration its models need:\n{describe(result)}"
    )


@pytest.fixture(scope="session")
def compiled_messages(project: RenderedProject, project_bin: Path) -> None:
    """The render's .mo files, compiled from its .po files as its `make messages` does (they are not committed)."""
    result = run([project_bin / "django-admin", "compilemessages"], cwd=project.package)
    assert result.returncode == 0, f"{project.combination.summary}: `make messages` must compile:\n{describe(result)}"


def test_every_text_is_translated_in_every_language(
    project: RenderedProject, project_bin: Path, tmp_path: Path
):
    """`make translations` on the render finds nothing new to translate: every catalogue is complete."""
    package = tmp_path / "package"
    shutil.copytree(project.package, package)
    result = run(
        [project_bin / "python", project.path / "manage.py", "makemessages", "--all", "--no-location", "--no-obsolete"],
        cwd=package,
        environment=project.database_environment(),
    )
    assert result.returncode == 0, f"{project.combination.summary}: makemessages must run:\n{describe(result)}"
    catalogues = sorted(package.glob("*/locale/*/LC_MESSAGES/django.po"))
    assert catalogues, f"{project.combination.summary} ships no translations"
    missing = []
    for catalogue in catalogues:
        for selection in ("--untranslated", "--only-fuzzy"):
            listed = run(["msgattrib", selection, "--no-obsolete", "--no-wrap", catalogue], cwd=package)
            assert listed.returncode == 0, describe(listed)
            entries = [line for line in listed.stdout.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
            missing += [f"{catalogue.relative_to(package)}: {entry}" for entry in entries]
    assert not missing, (
        f"{project.combination.summary}: every text needs a translation in every language shipped:\n"
        + "\n".join(missing)
    )


def test_generated_test_suite_passes_with_no_test_skipped(
    project: RenderedProject, project_bin: Path, compiled_messages: None
):
    project.require_database()
    # -rs lists each skip with its reason, so that a skip reads as a failure would.
    result = run(
        [project_bin / "python", "-m", "pytest", "-rs"],
        cwd=project.path,
        environment=project.database_environment(),
        timeout=SUITE_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, f"The own test suite of {project.combination.summary} must pass:\n{describe(result)}"
    # A render holds only what it uses, so each of its tests applies to it: none may skip.
    skipped = SKIPPED_IN_SUMMARY.search(result.stdout.splitlines()[-1] if result.stdout else "")
    assert skipped is None, (
        f"The own test suite of {project.combination.summary} must skip no test; it skipped {skipped.group(1)}:\n"
        + "\n".join(line for line in result.stdout.splitlines() if line.startswith("SKIPPED"))
    )
