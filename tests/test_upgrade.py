"""Upgrading with cruft: every render carries cruft's `.cruft.json`, whether it was made by `cookiecutter` or by
`cruft create`, so that `cruft check`, `cruft diff` and `cruft update` work on it (docs/upgrading.md).

Each test copies the template's tracked files into a git repository of its own and commits them, renders from
that commit, then plays what happens later: the team edits the project, the template gets a new commit, and the
project is brought up to date with `cruft update`, a three-way merge that keeps the team's edits and shows the
edits that overlap the template's as conflicts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from harness.processes import clean_environment, describe, run
from harness.rendering import TEMPLATE_DIR, render, run_cookiecutter, template_context

pytestmark = pytest.mark.xdist_group("upgrade")

# Answers away from the defaults, so that an update that lost them would render another project.
ANSWERS = {
    "project_name": "Upgrade Probe",
    "domain_name": "probe.example.org",
    "auth_role": "auth_service",
    "signing_algorithm": "EdDSA",
    "token_transport": "cookie",
    "use_docker": "n",
}
SLUG = "upgrade_probe"
TEMPLATE_PROJECT = "{{cookiecutter.project_slug}}"
# The files the tests change: plain text in the template, rendered as they are.
OVERLAPPED_FILE = ".gitignore"
TEMPLATE_ONLY_FILE = ".env.example"
LOCAL_WORDING = " (worded by the team)"
TEMPLATE_WORDING = "# Secrets are in .env (worded by a newer template)."
LOCAL_ONLY_LINE = "local-data/"
TEMPLATE_ONLY_LINE = "# NEWER_TEMPLATE_SETTING=on"
CREATED_BY = ("cookiecutter", "cruft create")


def git_environment() -> dict[str, str]:
    """git with a fixed identity and none of the developer's configuration (signing, hooks, templates)."""
    return clean_environment(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Template Tests",
        GIT_AUTHOR_EMAIL="tests@example.com",
        GIT_COMMITTER_NAME="Template Tests",
        GIT_COMMITTER_EMAIL="tests@example.com",
    )


def succeed(command: list[str | Path], cwd: Path) -> str:
    result = run(command, cwd=cwd, environment=git_environment(), timeout=300)
    assert result.returncode == 0, describe(result)
    return result.stdout


def git(directory: Path, *arguments: str) -> str:
    return succeed(["git", *arguments], directory)


def cruft(directory: Path, *arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "cruft", *arguments], cwd=directory, environment=git_environment(), timeout=300)


def commit_all(directory: Path, message: str) -> str:
    git(directory, "add", "--all")
    git(directory, "commit", "--quiet", "--message", message)
    return git(directory, "rev-parse", "HEAD").strip()


@pytest.fixture
def template_repository(tmp_path: Path) -> Path:
    """A git repository holding the template's tracked files as they are in the working tree, in one commit."""
    repository = tmp_path / "gatehouse"
    tracked = git(TEMPLATE_DIR, "ls-files", "-z").split("\0")
    for name in filter(None, tracked):
        source = TEMPLATE_DIR / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (repository / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repository / name)
    git(repository, "init", "--quiet", "--initial-branch", "main")
    commit_all(repository, "The template as it is")
    return repository


def create_project(how: str, template: Path | str, output_dir: Path, cookiecutter_config: Path) -> Path:
    """Render ANSWERS from `template` the way a user does, `cookiecutter` or `cruft create`, and commit the render
    as its own first commit (docs/upgrading.md asks for it: cruft's three-way merge starts there)."""
    if how == "cookiecutter":
        project = render(ANSWERS, output_dir, cookiecutter_config, template)
    else:
        output_dir.mkdir(parents=True)
        result = cruft(
            output_dir,
            "create",
            "--no-input",
            "--config-file",
            cookiecutter_config,
            "--extra-context",
            json.dumps(ANSWERS),
            "--skip",
            ".env",
            template,
        )
        assert result.returncode == 0, describe(result)
        project = output_dir / SLUG
    assert project.name == SLUG
    git(project, "init", "--quiet", "--initial-branch", "main")
    commit_all(project, "Render from the Gatehouse template")
    return project


def cruft_state(project: Path) -> dict:
    return json.loads((project / ".cruft.json").read_text())


def edit_the_project(project: Path) -> None:
    """The team rewords the first line of OVERLAPPED_FILE and adds a line at its end, and commits."""
    path = project / OVERLAPPED_FILE
    lines = path.read_text().splitlines()
    lines[0] += LOCAL_WORDING
    path.write_text("\n".join([*lines, LOCAL_ONLY_LINE]) + "\n")
    commit_all(project, "Our own edits")


def move_the_template_on(template: Path) -> str:
    """A newer template: the first line of OVERLAPPED_FILE reworded (where the team edited too), and a line added
    to TEMPLATE_ONLY_FILE (which the team left alone). Returns the new commit."""
    overlapped = template / TEMPLATE_PROJECT / OVERLAPPED_FILE
    lines = overlapped.read_text().splitlines()
    assert "{" not in lines[0], f"the first line of {OVERLAPPED_FILE} must be plain text for this test"
    overlapped.write_text("\n".join([TEMPLATE_WORDING, *lines[1:]]) + "\n")
    with (template / TEMPLATE_PROJECT / TEMPLATE_ONLY_FILE).open("a") as template_only:
        template_only.write(TEMPLATE_ONLY_LINE + "\n")
    return commit_all(template, "A newer template")


def test_cookiecutter_writes_the_cruft_file_cruft_create_writes(
    template_repository: Path, tmp_path: Path, cookiecutter_config: Path
):
    by_cookiecutter = create_project("cookiecutter", template_repository, tmp_path / "a", cookiecutter_config)
    by_cruft = create_project("cruft create", template_repository, tmp_path / "b", cookiecutter_config)
    assert (by_cookiecutter / ".cruft.json").read_text() == (by_cruft / ".cruft.json").read_text(), (
        "a plain cookiecutter render must record what `cruft create --skip .env` records, byte for byte"
    )


def test_cruft_file_names_the_template_commit_and_every_answer(
    template_repository: Path, tmp_path: Path, cookiecutter_config: Path
):
    project = create_project("cookiecutter", template_repository, tmp_path / "render", cookiecutter_config)
    state = cruft_state(project)
    commit = git(template_repository, "rev-parse", "HEAD").strip()
    assert {key: state[key] for key in ("template", "commit", "checkout", "directory", "skip")} == {
        "template": str(template_repository),
        "commit": commit,
        "checkout": None,
        "directory": None,
        "skip": [".env"],
    }
    answers = state["context"]["cookiecutter"]
    assert {name: answers[name] for name in ANSWERS} == ANSWERS
    private = {name: value for name, value in answers.items() if name.startswith("_")}
    assert private == {
        "_copy_without_render": template_context()["_copy_without_render"],
        "_template": str(template_repository),
        "_commit": commit,
    }, "the private keys must be those cruft stores, without cookiecutter's local paths"


def test_cruft_file_holds_no_secret(template_repository: Path, tmp_path: Path, cookiecutter_config: Path):
    project = create_project("cookiecutter", template_repository, tmp_path / "render", cookiecutter_config)
    text = (project / ".cruft.json").read_text()
    secrets = [
        line.partition("=")[2]
        for line in (project / ".env").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    ]
    assert secrets, "the render must have secrets in .env"
    assert not [secret for secret in secrets if secret.strip('"') in text], ".cruft.json must not hold the .env secrets"


@pytest.mark.parametrize("how", CREATED_BY)
def test_cruft_check_passes_on_a_fresh_render_and_fails_once_the_template_moves_on(
    how: str, template_repository: Path, tmp_path: Path, cookiecutter_config: Path
):
    project = create_project(how, template_repository, tmp_path / "render", cookiecutter_config)
    up_to_date = cruft(project, "check")
    assert up_to_date.returncode == 0, describe(up_to_date)
    move_the_template_on(template_repository)
    out_of_date = cruft(project, "check")
    assert out_of_date.returncode == 1, f"cruft check must fail when the template has a newer commit\n{describe(out_of_date)}"


@pytest.mark.parametrize("how", CREATED_BY)
def test_cruft_diff_shows_the_local_edits(how: str, template_repository: Path, tmp_path: Path, cookiecutter_config: Path):
    project = create_project(how, template_repository, tmp_path / "render", cookiecutter_config)
    edit_the_project(project)
    result = cruft(project, "diff", "--exit-code")
    assert result.returncode == 1, f"cruft diff --exit-code must report the local edits\n{describe(result)}"
    changed_lines = [line for line in result.stdout.splitlines() if line.startswith(("-", "+"))]
    assert f"-{LOCAL_ONLY_LINE}" in changed_lines, describe(result)
    assert f"--- upstream-template-old/{OVERLAPPED_FILE}" in changed_lines, describe(result)
    assert not [line for line in result.stdout.splitlines() if line.endswith("/.env")], (
        "the secrets in .env are no part of the comparison"
    )


def update(project: Path) -> subprocess.CompletedProcess[str]:
    return cruft(project, "update", "--skip-apply-ask", "--allow-untracked-files")


@pytest.mark.parametrize("how", CREATED_BY)
def test_cruft_update_merges_the_template_change_keeps_local_edits_and_marks_the_overlap(
    how: str, template_repository: Path, tmp_path: Path, cookiecutter_config: Path
):
    project = create_project(how, template_repository, tmp_path / "render", cookiecutter_config)
    secrets = (project / ".env").read_bytes()
    edit_the_project(project)
    template_only_before = (project / TEMPLATE_ONLY_FILE).read_text()
    new_commit = move_the_template_on(template_repository)

    result = update(project)
    assert result.returncode == 0, describe(result)

    assert (project / TEMPLATE_ONLY_FILE).read_text() == template_only_before + TEMPLATE_ONLY_LINE + "\n", (
        "the template's change to a file the team left alone must arrive as it is"
    )
    overlapped = (project / OVERLAPPED_FILE).read_text().splitlines()
    first_line = template_repository.joinpath(TEMPLATE_PROJECT, OVERLAPPED_FILE).read_text().splitlines()[0]
    assert first_line == TEMPLATE_WORDING
    assert overlapped[:5] == [
        "<<<<<<< ours",
        f"{git(project, 'show', f'HEAD:{OVERLAPPED_FILE}').splitlines()[0]}",
        "=======",
        TEMPLATE_WORDING,
        ">>>>>>> theirs",
    ], f"the overlapping edits must show as git conflict markers, the team's first:\n{overlapped[:6]}"
    assert overlapped[1].endswith(LOCAL_WORDING)
    assert overlapped[-1] == LOCAL_ONLY_LINE, "the team's own line must stay"
    assert git(project, "status", "--porcelain", "--", OVERLAPPED_FILE).startswith("UU"), (
        "the conflicted file must be unmerged in git's index, as in any merge"
    )
    assert not list(project.rglob("*.rej")), "a three-way merge leaves conflict markers, not .rej files"
    assert (project / ".env").read_bytes() == secrets, "cruft update must keep the project's secrets"
    state = cruft_state(project)
    assert (state["commit"], state["context"]["cookiecutter"]["_commit"]) == (new_commit, new_commit)
    assert {name: state["context"]["cookiecutter"][name] for name in ANSWERS} == ANSWERS


def test_cruft_update_works_on_a_render_from_a_git_url(
    template_repository: Path, tmp_path: Path, cookiecutter_config: Path
):
    url = template_repository.as_uri()
    # cookiecutter needs the git+ prefix on a URL that does not say git; it clones the URL without it.
    project = create_project("cookiecutter", f"git+{url}", tmp_path / "render", cookiecutter_config)
    assert cruft_state(project)["template"] == url, "a template given as a URL must be recorded as the URL git clones"
    move_the_template_on(template_repository)

    result = update(project)
    assert result.returncode == 0, describe(result)
    assert (project / TEMPLATE_ONLY_FILE).read_text().endswith(TEMPLATE_ONLY_LINE + "\n")
    assert cruft_state(project)["commit"] == git(template_repository, "rev-parse", "HEAD").strip()


def test_a_template_outside_git_renders_without_a_cruft_file_and_says_how_to_link(
    template_repository: Path, tmp_path: Path, cookiecutter_config: Path
):
    shutil.rmtree(template_repository / ".git")
    result = run_cookiecutter(ANSWERS, tmp_path / "render", cookiecutter_config, template_repository)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "render" / SLUG / ".cruft.json").exists(), "cruft can only follow a template in git"
    assert "cruft link" in result.stderr


def test_a_project_rendered_before_cruft_links_with_its_saved_answers(
    template_repository: Path, tmp_path: Path, cookiecutter_config: Path
):
    """docs/upgrading.md: a project rendered before 0.1.0 kept its answers in `.cookiecutter.json`; `cruft link`
    with them records what a render made today records."""
    project = create_project("cookiecutter", template_repository, tmp_path / "render", cookiecutter_config)
    expected = (project / ".cruft.json").read_text()
    saved_answers = {
        name: value for name, value in cruft_state(project)["context"]["cookiecutter"].items() if not name.startswith("_")
    }
    (project / ".cruft.json").unlink()

    result = cruft(
        project,
        "link",
        "--no-input",
        "--config-file",
        cookiecutter_config,
        "--extra-context",
        json.dumps(saved_answers),
        template_repository,
    )
    assert result.returncode == 0, describe(result)
    linked = cruft_state(project)
    linked["skip"] = [".env"]  # the step docs/upgrading.md asks for after linking
    assert json.dumps(linked, indent=2) == json.dumps(json.loads(expected), indent=2)
