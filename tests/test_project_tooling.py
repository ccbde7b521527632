"""The tooling every generated project carries: pre-commit, the GitHub Actions workflow and the Makefile.

pre-commit cannot fetch its hook repositories here (no GitHub), so the hooks that are Python packages run
from this venv at the revs the config pins (tests/requirements.txt; a test keeps the two equal), on the files
`pre-commit run --all-files` would give them in a fresh render put under git: a fresh render must leave
them nothing to rewrite or refuse. The ruff hooks are the ruff that test_matrix.py runs on every combination
(the rev equals the render's pin); the local mypy hook runs the render's own mypy, which test_matrix.py runs too. The Makefile's targets run against the render's shared venv (venvs.py);
`make worker` with a broker uses Redis database 14 on 127.0.0.1:6379.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml
from identify.identify import tags_from_path
from packaging.specifiers import SpecifierSet

from combinations import COMBINATIONS, Combination
from harness.deployment import stop
from harness.processes import clean_environment, describe, run, tail
from harness.readme import readme_commands
from harness.rendering import TEMPLATE_DIR, render
from harness.services import REDIS
from harness.venvs import virtualenv_for

pytestmark = pytest.mark.xdist_group("project-tooling")

PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
WORKFLOW = ".github/workflows/ci.yml"
PRE_COMMIT_HOOKS_REPO = "https://github.com/pre-commit/pre-commit-hooks"
DJANGO_UPGRADE_REPO = "https://github.com/adamchainz/django-upgrade"
RUFF_REPO = "https://github.com/astral-sh/ruff-pre-commit"
# The distribution on PyPI that each hook repository releases, at the same version as its tags.
HOOK_DISTRIBUTIONS = {PRE_COMMIT_HOOKS_REPO: "pre-commit-hooks", DJANGO_UPGRADE_REPO: "django-upgrade"}
# The render's ruff, checked on every combination by test_matrix.py.
RUFF_HOOKS = {"ruff-check", "ruff-format"}
# Hooks that run a tool of the project's own venv (`repo: local`); test_matrix.py runs that tool on every combination.
LOCAL_REPO = "local"
MYPY_HOOK = "mypy"
WORKER_BROKER_URL = "redis://127.0.0.1:6379/14"
WORKER_START_TIMEOUT_SECONDS = 120
WORKER_REFUSAL_TIMEOUT_SECONDS = 120
# What the hooks find today in generated code outside the files this tooling owns, to be fixed where that code
# lives. The marks are strict: once the code is fixed the test passes, fails as XPASS, and its entry must go.
KNOWN_FINDINGS: dict[str, str] = {}


@dataclass(frozen=True)
class FileHook:
    """A hook as its repository's .pre-commit-hooks.yaml declares it: the console script, the file types."""

    entry: str
    types: frozenset[str] = frozenset()


# pre-commit-hooks v6.0.0 and django-upgrade 1.33.0, as their manifests declare them.
FILE_HOOKS = {
    "trailing-whitespace": FileHook("trailing-whitespace-fixer", frozenset({"text"})),
    "end-of-file-fixer": FileHook("end-of-file-fixer", frozenset({"text"})),
    "check-json": FileHook("check-json", frozenset({"json"})),
    "check-toml": FileHook("check-toml", frozenset({"toml"})),
    "check-yaml": FileHook("check-yaml", frozenset({"yaml"})),
    "debug-statements": FileHook("debug-statement-hook", frozenset({"python"})),
    "check-builtin-literals": FileHook("check-builtin-literals", frozenset({"python"})),
    "check-case-conflict": FileHook("check-case-conflict"),
    "check-docstring-first": FileHook("check-docstring-first", frozenset({"python"})),
    "detect-private-key": FileHook("detect-private-key", frozenset({"text"})),
    "django-upgrade": FileHook("django-upgrade", frozenset({"python"})),
}


@pytest.fixture(scope="module")
def default_project(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Path:
    """The default answers rendered once, for the tests that only read the render."""
    return render({}, tmp_path_factory.mktemp("tooling"), cookiecutter_config)


def pre_commit_config(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / PRE_COMMIT_CONFIG).read_text())


def repository(config: dict[str, Any], url: str) -> dict[str, Any]:
    matches = [repo for repo in config["repos"] if repo["repo"] == url]
    assert len(matches) == 1, f"{PRE_COMMIT_CONFIG} must list {url} once, it lists it {len(matches)} times"
    return matches[0]


def git(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    result = run(["git", "-c", "init.defaultBranch=main", *arguments], cwd=project)
    assert result.returncode == 0, describe(result)
    return result


def tracked_files(project: Path) -> list[str]:
    """The render put under git as a user would (`git init && git add .`): what `--all-files` sees."""
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    return git(project, "ls-files").stdout.splitlines()


def files_for_hook(project: Path, files: list[str], config: dict[str, Any], hook: dict[str, Any]) -> list[str]:
    """The files pre-commit passes to a hook: the config's and the hook's files/exclude, then its types."""
    wanted = re.compile(hook.get("files", ""))
    excluded = [re.compile(pattern) for pattern in (config.get("exclude"), hook.get("exclude")) if pattern]
    types = FILE_HOOKS[hook["id"]].types
    return [
        name
        for name in files
        if wanted.search(name)
        and not any(pattern.search(name) for pattern in excluded)
        and types <= tags_from_path(str(project / name))
    ]


def make(project: Path, target: str) -> list[str]:
    """`make <target>` on the render's shared venv: its `.installed` stamp is taken as made (`-o`), so
    make never rebuilds the shared venv; everything else in the recipe runs as written."""
    venv = virtualenv_for(project).parent
    return ["make", target, f"VENV={venv}", "-o", f"{venv}/.installed"]


# pre-commit --------------------------------------------------------------------------------------------


def test_pre_commit_config_carries_no_jinja_so_autoupdate_can_rewrite_it():
    source = (TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / PRE_COMMIT_CONFIG).read_text()
    assert "{%" not in source and "{{" not in source, (
        f"{PRE_COMMIT_CONFIG} is rewritten by `pre-commit autoupdate`: it must be plain YAML in the template"
    )


def test_pre_commit_config_is_valid_for_pre_commit(default_project: Path):
    result = run(
        [Path(sys.executable).parent / "pre-commit", "validate-config", PRE_COMMIT_CONFIG], cwd=default_project
    )
    assert result.returncode == 0, f"`pre-commit validate-config` must accept the rendered config:\n{describe(result)}"


def test_pre_commit_ruff_is_the_ruff_the_project_pins(default_project: Path):
    groups = tomllib.loads((default_project / "pyproject.toml").read_text())["dependency-groups"]
    pins = [pin for pin in groups["dev"] if isinstance(pin, str) and pin.startswith("ruff==")]
    assert len(pins) == 1, f"pyproject.toml's dev group must pin ruff once (ruff==...), it has {pins}"
    rev = repository(pre_commit_config(default_project), RUFF_REPO)["rev"]
    assert rev == f"v{pins[0].removeprefix('ruff==')}", (
        f"The ruff pre-commit hook ({rev}) must be the ruff that `make lint` runs ({pins[0]} in pyproject.toml)"
    )


def test_pre_commit_mypy_is_the_mypy_of_make_lint(default_project: Path):
    local = repository(pre_commit_config(default_project), LOCAL_REPO)
    hooks = [hook for hook in local["hooks"] if hook["id"] == MYPY_HOOK]
    assert len(hooks) == 1, f"{PRE_COMMIT_CONFIG} must have one local `{MYPY_HOOK}` hook, it has {len(hooks)}"
    hook = hooks[0]
    makefile = (default_project / "Makefile").read_text()
    venv = re.search(r"^VENV := (\S+)$", makefile, re.MULTILINE)
    assert venv, "The Makefile must name its venv (VENV := ...)"
    lint = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert lint and "$(BIN)/mypy" in lint[1], f"`make lint` must run mypy; its recipe is:\n{lint[1] if lint else ''}"
    assert hook["entry"] == f"{venv[1]}/bin/mypy", (
        f"The mypy hook must run the venv's mypy that `make lint` runs ({venv[1]}/bin/mypy), not {hook['entry']!r}"
    )
    assert hook.get("pass_filenames") is False, (
        "The mypy hook must check the files pyproject.toml names, as `make lint` does, not only the changed ones"
    )
    groups = tomllib.loads((default_project / "pyproject.toml").read_text())["dependency-groups"]
    assert any(isinstance(pin, str) and pin.startswith("mypy==") for pin in groups["dev"]), (
        "pyproject.toml's dev group must pin the mypy that the hook runs"
    )


def test_pre_commit_ci_skips_the_hooks_that_need_the_project_venv(default_project: Path):
    config = pre_commit_config(default_project)
    local = {hook["id"] for hook in repository(config, LOCAL_REPO)["hooks"]}
    skipped = set(config.get("ci", {}).get("skip", []))
    assert local <= skipped, (
        f"pre-commit.ci has no venv of the project: ci.skip must list the local hooks {sorted(local - skipped)}"
    )


@pytest.mark.parametrize("url", HOOK_DISTRIBUTIONS)
def test_pre_commit_hook_revs_are_the_versions_these_tests_run(default_project: Path, url: str):
    rev = str(repository(pre_commit_config(default_project), url)["rev"])
    distribution = HOOK_DISTRIBUTIONS[url]
    assert rev.removeprefix("v") == version(distribution), (
        f"{url} is pinned at {rev} in {PRE_COMMIT_CONFIG}, but these tests run {distribution} "
        f"{version(distribution)}: keep tests/requirements.txt at the config's rev"
    )


def test_pre_commit_config_runs_weekly_autoupdates(default_project: Path):
    ci = pre_commit_config(default_project).get("ci", {})
    assert ci.get("autoupdate_schedule") == "weekly", f"{PRE_COMMIT_CONFIG} must ask pre-commit.ci for weekly updates"


def template_hooks() -> list[dict[str, Any]]:
    """The hooks of the template's config (plain YAML, so readable unrendered) that run from this venv."""
    config = yaml.safe_load((TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / PRE_COMMIT_CONFIG).read_text())
    return [
        hook
        for repo in config["repos"]
        for hook in repo["hooks"]
        if repo["repo"] != LOCAL_REPO and not (repo["repo"] == RUFF_REPO and hook["id"] in RUFF_HOOKS)
    ]


def hook_cases() -> list[Any]:
    cases = []
    for combination in COMBINATIONS:
        for hook in template_hooks():
            known = KNOWN_FINDINGS.get(hook["id"])
            marks = [pytest.mark.xfail(strict=True, reason=known)] if known else []
            cases.append(pytest.param(combination, hook["id"], id=f"{combination.name}-{hook['id']}", marks=marks))
    return cases


@pytest.fixture(scope="module")
def render_under_git(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path):
    """A combination rendered once for this module and put under git, with the files git tracks."""
    renders: dict[str, tuple[Path, list[str]]] = {}

    def rendered(combination: Combination) -> tuple[Path, list[str]]:
        if combination.name not in renders:
            output = tmp_path_factory.mktemp(f"hooks-{combination.name}")
            project = render(combination.answers, output, cookiecutter_config)
            renders[combination.name] = (project, tracked_files(project))
        return renders[combination.name]

    return rendered


def test_every_pre_commit_hook_is_run_by_these_tests():
    untested = sorted({hook["id"] for hook in template_hooks()} - set(FILE_HOOKS))
    assert not untested, (
        f"Hooks in {PRE_COMMIT_CONFIG} that these tests cannot run: {untested}; add them to FILE_HOOKS"
    )


@pytest.mark.parametrize(("combination", "hook_id"), hook_cases())
def test_fresh_render_leaves_the_pre_commit_hook_nothing_to_fix(render_under_git, combination, hook_id: str):
    project, files = render_under_git(combination)
    config = pre_commit_config(project)
    hook = next(hook for repo in config["repos"] for hook in repo["hooks"] if hook["id"] == hook_id)
    selected = files_for_hook(project, files, config, hook)
    entry = Path(sys.executable).parent / FILE_HOOKS[hook_id].entry
    result = run([entry, *hook.get("args", []), *selected], cwd=project) if selected else None
    rewritten = git(project, "diff", "--stat").stdout
    git(project, "checkout", "--", ".")  # undo any fix, so the next hook sees the render as rendered
    refused = result is not None and result.returncode != 0
    assert not refused, (
        f"`pre-commit run --all-files` must pass {hook_id} on a fresh render; it exited with code "
        f"{result.returncode} on {len(selected)} files:\n{tail(result.stdout)}"
    )
    assert not rewritten, f"{hook_id} must find nothing to rewrite in a fresh render; it rewrote:\n{rewritten}"


def test_rendered_text_files_end_lines_with_lf(tmp_path: Path, cookiecutter_config: Path):
    project = render({}, tmp_path, cookiecutter_config)
    crlf = [
        name
        for name in tracked_files(project)
        if "text" in tags_from_path(str(project / name)) and b"\r\n" in (project / name).read_bytes()
    ]
    assert not crlf, f".editorconfig says end_of_line = lf; these rendered files hold CRLF: {crlf}"


# GitHub Actions ----------------------------------------------------------------------------------------


def workflow(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / WORKFLOW).read_text())


def steps_that_run(project: Path) -> dict[str, list[str]]:
    """Each job's `run:` commands, in order."""
    return {
        name: [step["run"].strip() for step in job["steps"] if "run" in step]
        for name, job in workflow(project)["jobs"].items()
    }


def test_workflow_is_valid_github_actions_yaml(default_project: Path):
    result = run(
        [Path(sys.executable).parent / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", WORKFLOW],
        cwd=default_project,
    )
    assert result.returncode == 0, f"{WORKFLOW} must be a valid GitHub Actions workflow:\n{describe(result)}"


def test_workflow_keeps_github_expressions_through_rendering(default_project: Path):
    text = (default_project / WORKFLOW).read_text()
    assert "${{ github." in text, f"{WORKFLOW} must keep its ${{{{ ... }}}} expressions once Jinja has rendered it"


def test_workflow_runs_on_pushes_and_pull_requests(default_project: Path):
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    triggers = workflow(default_project)[True]
    assert {"push", "pull_request"} <= set(triggers), f"{WORKFLOW} must run on push and pull_request: {triggers}"


def test_workflow_runs_the_readme_test_command(default_project: Path):
    _, test_command = readme_commands(default_project)
    commands = steps_that_run(default_project)
    assert any(test_command in job for job in commands.values()), (
        f"A step of {WORKFLOW} must run the README's test command `{test_command}`; its steps run {commands}"
    )


def test_workflow_runs_the_lint(default_project: Path):
    commands = steps_that_run(default_project)
    assert any("make lint" in job for job in commands.values()), f"{WORKFLOW} must run `make lint`: {commands}"


def test_workflow_python_is_one_the_project_supports(default_project: Path):
    requires_python = tomllib.loads((default_project / "pyproject.toml").read_text())["project"]["requires-python"]
    versions = [
        str(step["with"]["python-version"])
        for job in workflow(default_project)["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/setup-python@")
    ]
    assert versions, f"Every job of {WORKFLOW} sets up Python with actions/setup-python"
    unsupported = [version for version in versions if version not in SpecifierSet(requires_python)]
    assert not unsupported, f"{WORKFLOW} sets up Python {unsupported}, outside requires-python {requires_python}"


def test_workflow_tests_run_against_its_postgresql_service(default_project: Path):
    test_job = next(
        job
        for job in workflow(default_project)["jobs"].values()
        if "make test" in [s.get("run") for s in job["steps"]]
    )
    postgres = test_job["services"]["postgres"]
    database = postgres["env"]["POSTGRES_DB"]
    expected = f"postgres://postgres:{postgres['env']['POSTGRES_PASSWORD']}@localhost:5432/{database}"
    assert "5432:5432" in postgres["ports"], "The PostgreSQL service must publish 5432 to the runner"
    assert test_job["env"]["DATABASE_URL"] == expected, (
        f"The tests must reach the job's PostgreSQL service: DATABASE_URL should be {expected}"
    )


# Makefile ----------------------------------------------------------------------------------------------


def test_make_migrate_applies_every_migration(render_answers):
    project = render_answers()
    python = virtualenv_for(project) / "python"
    before = run([python, "manage.py", "migrate", "--check"], cwd=project)
    assert before.returncode != 0, f"A fresh render has unapplied migrations:\n{describe(before)}"

    migrate = run(make(project, "migrate"), cwd=project)
    assert migrate.returncode == 0, f"`make migrate` must pass on a fresh render:\n{describe(migrate)}"
    after = run([python, "manage.py", "migrate", "--check"], cwd=project)
    assert after.returncode == 0, f"After `make migrate` no migration may be left unapplied:\n{describe(after)}"


def test_make_worker_without_a_broker_says_why_and_fails(render_answers):
    project = render_answers()
    try:
        result = run(make(project, "worker"), cwd=project, timeout=WORKER_REFUSAL_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail("`make worker` without CELERY_BROKER_URL must refuse at once, not wait for a broker")
    assert result.returncode != 0, f"`make worker` without a broker must fail:\n{describe(result)}"
    assert "CELERY_BROKER_URL is not set" in result.stdout, (
        f"`make worker` must say that CELERY_BROKER_URL is missing:\n{describe(result)}"
    )
    assert "celery@" not in result.stdout, f"No worker may start without a broker:\n{describe(result)}"


def test_make_worker_with_a_broker_starts_a_celery_worker(render_answers, tmp_path: Path):
    REDIS.require()
    project = render_answers()
    command = make(project, "worker")
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            command,
            cwd=project,
            env=clean_environment(CELERY_BROKER_URL=WORKER_BROKER_URL),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches celery's children too
        )
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT_SECONDS
        while " ready." not in log.read_text():
            assert worker.poll() is None, (
                f"`make worker` exited with code {worker.returncode}:\n{tail(log.read_text())}"
            )
            assert time.monotonic() < deadline, f"No worker was ready within the timeout:\n{tail(log.read_text())}"
            time.sleep(0.5)
    finally:
        stop(worker)
    assert "Connected to redis://" in log.read_text(), (
        f"The worker must use CELERY_BROKER_URL:\n{tail(log.read_text())}"
    )
