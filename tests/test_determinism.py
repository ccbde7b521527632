"""Rendering is deterministic: the same answers give byte-identical files (the git-ignored `.env` of
secrets apart), and the project keeps its answers in cruft's `.cruft.json` so that it can be rendered again
from a newer template (test_upgrade.py drives cruft itself)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from combinations import COMBINATIONS, Combination
from harness.rendering import TEMPLATE_DIR, default_answers, prompts, render, write_cookiecutter_config

# Fresh secrets on every render, by design.
FILES_THAT_DIFFER = {".env"}
ANSWERS_FILE = ".cruft.json"

combinations = pytest.mark.parametrize(
    "combination", [pytest.param(combination, id=combination.name) for combination in COMBINATIONS]
)


def saved_answers(project: Path) -> dict[str, Any]:
    """The answers in the project's cruft file, without the private `_` keys that cruft keeps beside them."""
    context = json.loads((project / ANSWERS_FILE).read_text())["context"]["cookiecutter"]
    return {name: value for name, value in context.items() if not name.startswith("_")}


def file_contents(project: Path) -> dict[str, bytes | None]:
    """Every path in the project (folders map to None), with the bytes of every file."""
    return {
        str(path.relative_to(project)): (path.read_bytes() if path.is_file() else None)
        for path in sorted(project.rglob("*"))
        if path.name not in FILES_THAT_DIFFER
    }


def differences(first: Path, second: Path) -> list[str]:
    first_files, second_files = file_contents(first), file_contents(second)
    only_in_one = sorted(set(first_files) ^ set(second_files))
    changed = sorted(name for name in set(first_files) & set(second_files) if first_files[name] != second_files[name])
    return [f"{name} (only in one render)" for name in only_in_one] + [f"{name} (contents differ)" for name in changed]


@combinations
def test_same_answers_render_identical_files(combination: Combination, render_answers):
    first = render_answers(**combination.answers)
    second = render_answers(**combination.answers)
    assert not differences(first, second), (
        f"Rendering the same answers twice must give byte-identical files apart from {FILES_THAT_DIFFER}: "
        f"{differences(first, second)}"
    )


def test_each_render_gets_fresh_secrets(render_answers):
    first, second = render_answers(), render_answers()
    assert (first / ".env").read_bytes() != (second / ".env").read_bytes(), "Two renders must not share secrets"


@combinations
def test_answers_file_holds_every_answer(combination: Combination, render_answers):
    saved = saved_answers(render_answers(**combination.answers))
    # The slug's default is a Jinja expression of the name: compare it only when it was answered.
    expected = {
        name: value
        for name, value in combination.resolved(default_answers()).items()
        if name in combination.answers or "{{" not in str(value)
    }
    assert set(saved) == set(prompts()), f"{ANSWERS_FILE} must hold one answer per prompt, no more, no less"
    wrong = {name: saved[name] for name, value in expected.items() if saved[name] != value}
    assert not wrong, f"{ANSWERS_FILE} must hold the answers given; these differ: {wrong}"


def test_answers_file_names_no_local_path_but_the_template(render_answers, cookiecutter_config: Path):
    project = render_answers()
    state = json.loads((project / ANSWERS_FILE).read_text())
    assert state["template"] == str(TEMPLATE_DIR), f"{ANSWERS_FILE} must name the template it was rendered from"
    text = (project / ANSWERS_FILE).read_text()
    paths = [str(path) for path in (project.parent, cookiecutter_config.parent) if str(path) in text]
    assert not paths, f"{ANSWERS_FILE} is committed with the project and must not leak other local paths: {paths}"


@combinations
def test_rendering_again_from_the_saved_answers_reproduces_the_project(
    combination: Combination, render_answers, tmp_path: Path
):
    original = render_answers(**combination.answers)
    # The saved answers as a cookiecutter config's default_context: how a user renders them without prompts.
    config_file = write_cookiecutter_config(tmp_path / "again", default_context=saved_answers(original))
    again = render({}, tmp_path / "rendered-again", config_file)
    assert not differences(original, again), (
        f"Rendering from {ANSWERS_FILE} must reproduce the project: {differences(original, again)}"
    )
