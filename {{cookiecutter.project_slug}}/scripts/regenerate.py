#!/usr/bin/env python3
"""Render this project again from the Gatehouse template, with the answers it was generated with.

    python scripts/regenerate.py TEMPLATE [--checkout REF] [--output-dir DIR]

TEMPLATE is what you gave cookiecutter the first time (a path, a git URL, `gh:owner/repo`).
The answers come from `.cookiecutter.json`; the new render goes to a scratch folder, never
over this project, so that you can compare the two and carry over what you want. Prompts
that the template added since get their defaults. The template's docs/upgrading.md tells
how to review the difference.

Runs with the standard library alone; the cookiecutter command must be installed (or name
another launcher with --cookiecutter, such as "pipx run cookiecutter").
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
ANSWERS_FILE = PROJECT_DIR / ".cookiecutter.json"
# What a comparison leaves out: local state and the fresh secrets of the new render.
DIFF_EXCLUDES = (".env", ".git", ".venv", "__pycache__", "db.sqlite3", "staticfiles", ".pytest_cache", ".ruff_cache")


def saved_answers(path: Path = ANSWERS_FILE) -> dict[str, str]:
    """The answers the project was generated with, as cookiecutter's `key=value` arguments need them."""
    answers = json.loads(path.read_text())
    return {name: str(value) for name, value in answers.items()}


def cookiecutter_command(
    launcher: str, template: str, answers: dict[str, str], output_dir: Path, checkout: str | None
) -> list[str]:
    """The cookiecutter command line that renders `template` with `answers` into `output_dir`."""
    command = [*shlex.split(launcher), "--no-input", "--output-dir", str(output_dir)]
    if checkout:
        command += ["--checkout", checkout]
    return [*command, template, *(f"{name}={value}" for name, value in sorted(answers.items()))]


def diff_command(project: Path, regenerated: Path) -> str:
    """A `diff` invocation that compares the project with its new render."""
    excludes = " ".join(f"--exclude={shlex.quote(name)}" for name in DIFF_EXCLUDES)
    return f"diff -ruN {excludes} {shlex.quote(str(project))} {shlex.quote(str(regenerated))}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", help="the template's path or URL, as given to cookiecutter")
    parser.add_argument("--checkout", help="a branch, tag or commit of a git template")
    parser.add_argument("--output-dir", type=Path, help="an empty or new folder (default: a new temporary folder)")
    parser.add_argument("--cookiecutter", default="cookiecutter", help="the command that runs cookiecutter")
    options = parser.parse_args()

    answers = saved_answers()
    launcher = shlex.split(options.cookiecutter)
    if not launcher or shutil.which(launcher[0]) is None:
        sys.exit(f"Cannot run {options.cookiecutter!r}: install cookiecutter (pipx install cookiecutter).")
    output_dir = options.output_dir or Path(tempfile.mkdtemp(prefix=f"{answers['project_slug']}-regenerated-"))
    regenerated = output_dir.resolve() / answers["project_slug"]
    if regenerated.exists():
        sys.exit(f"{regenerated} exists; choose another --output-dir.")

    command = cookiecutter_command(options.cookiecutter, options.template, answers, output_dir, options.checkout)
    result = subprocess.run(command, check=False)  # noqa: S603 (the user's own template and answers)
    if result.returncode != 0:
        sys.exit(f"cookiecutter failed (exit code {result.returncode}); nothing was changed.")
    print(f"Regenerated into {regenerated} with the answers in {ANSWERS_FILE.name}.")
    print("Compare it with this project (the new .env holds fresh secrets: keep yours):")
    print(f"    {diff_command(PROJECT_DIR, regenerated)}")


if __name__ == "__main__":
    main()
