"""Upgrading by regeneration: a project rendered again with its saved answers differs from the first
render by exactly what changed in the template (docs/upgrading.md describes the workflow).

The test renders a project from a copy of the template, changes the copy as a newer template
would (one settings comment edited, one file added), regenerates with the project's own
scripts/regenerate.py into a scratch folder, and compares the two renders.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter
from harness.processes import clean_environment
from harness.rendering import TEMPLATE_DIR

pytestmark = pytest.mark.xdist_group("upgrade")

TEMPLATE_PARTS = ("cookiecutter.json", "hooks", "{{cookiecutter.project_slug}}")
# Answers away from the defaults, so that a regeneration that ignored them would show.
ANSWERS = {
    "project_name": "Upgrade Probe",
    "description": "A project that is regenerated.",
    "domain_name": "probe.example.org",
    "auth_role": "auth_service",
    "signing_algorithm": "EdDSA",
    "token_transport": "cookie",
    "task_broker": "rabbitmq",
    "use_docker": "n",
}
SLUG = "upgrade_probe"
SETTINGS = Path("config/settings/base.py")
ADDED_FILE = Path("docs/upgrade-probe.md")
# Fresh secrets on every render, by design.
FILES_THAT_DIFFER = {".env"}


def copy_template(destination: Path) -> Path:
    destination.mkdir()
    for part in TEMPLATE_PARTS:
        source = TEMPLATE_DIR / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / part)
    return destination


def edit_a_settings_comment(template: Path) -> tuple[str, str]:
    """Append words to the first plain comment line of base.py; returns the line before and after."""
    path = template / "{{cookiecutter.project_slug}}" / SETTINGS
    lines = path.read_text().splitlines(keepends=True)
    index = next(
        number for number, line in enumerate(lines) if line.startswith("# ") and "{" not in line and "%" not in line
    )
    before = lines[index]
    lines[index] = before.rstrip("\n") + " (worded by a newer template)\n"
    path.write_text("".join(lines))
    return before, lines[index]


def files(project: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and path.name not in FILES_THAT_DIFFER
    }


def test_regeneration_with_the_saved_answers_shows_exactly_the_template_change(
    tmp_path: Path, cookiecutter_config: Path
):
    template = copy_template(tmp_path / "template")
    first = Path(
        cookiecutter(
            str(template),
            no_input=True,
            extra_context=ANSWERS,
            output_dir=str(tmp_path / "first"),
            config_file=str(cookiecutter_config),
        )
    )
    assert first.name == SLUG

    line_before, line_after = edit_a_settings_comment(template)
    added = template / "{{cookiecutter.project_slug}}" / ADDED_FILE
    added.parent.mkdir(exist_ok=True)
    added.write_text("# Notes for {{ cookiecutter.project_name }}\n")

    scratch = tmp_path / "scratch"
    cookiecutter_bin = Path(sys.executable).parent / "cookiecutter"
    result = subprocess.run(
        [
            sys.executable,
            "scripts/regenerate.py",
            str(template),
            "--output-dir",
            str(scratch),
            "--cookiecutter",
            str(cookiecutter_bin),
        ],
        cwd=first,
        env=clean_environment(COOKIECUTTER_CONFIG=str(cookiecutter_config)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    second = scratch / SLUG
    assert "diff -ruN --exclude=.env" in result.stdout, "the script must print how to compare the renders"

    before, after = files(first), files(second)
    assert set(after) - set(before) == {str(ADDED_FILE)}
    assert set(before) - set(after) == set()
    assert after[str(ADDED_FILE)] == b"# Notes for Upgrade Probe\n", (
        "the new file must be rendered with the saved answers"
    )
    changed = sorted(name for name in set(before) & set(after) if before[name] != after[name])
    assert changed == [str(SETTINGS)], f"only the edited settings file may differ, not {changed}"
    diff = [
        line
        for line in difflib.unified_diff(
            before[str(SETTINGS)].decode().splitlines(keepends=True),
            after[str(SETTINGS)].decode().splitlines(keepends=True),
            n=0,
        )
        if not line.startswith(("---", "+++", "@@"))
    ]
    assert diff == [f"-{line_before}", f"+{line_after}"]
    assert json.loads((second / ".cookiecutter.json").read_text()) == json.loads(
        (first / ".cookiecutter.json").read_text()
    )
