"""Render the template through the cookiecutter CLI exactly as a user does: with `--no-input`, or typing replies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .processes import clean_environment, tail

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
# Point the tests at another checkout of the template (a clean worktree, say) without moving them.
TEMPLATE_DIR = Path(os.environ.get("GATEHOUSE_TEMPLATE_DIR", REPOSITORY_ROOT)).resolve()
RENDER_TIMEOUT_SECONDS = 300


class RenderError(AssertionError):
    """The cookiecutter CLI refused or failed to render a set of answers."""


def template_context() -> dict[str, Any]:
    """cookiecutter.json as the template ships it."""
    return json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())


def prompts() -> dict[str, Any]:
    """The questions cookiecutter asks, with their defaults or choices (private `_` keys left out)."""
    return {name: value for name, value in template_context().items() if not name.startswith("_")}


def choices_by_prompt() -> dict[str, list[Any]]:
    """Every prompt that offers a fixed set of answers, with that set, in the template's order."""
    choices: dict[str, list[Any]] = {}
    for name, value in prompts().items():
        if isinstance(value, list):
            choices[name] = list(value)
        elif isinstance(value, bool):
            choices[name] = [value, not value]
    return choices


def default_answers() -> dict[str, Any]:
    """What `--no-input` answers: the first choice, or the text default (which may still be Jinja)."""
    return {name: value[0] if isinstance(value, list) else value for name, value in prompts().items()}


def write_cookiecutter_config(directory: Path, default_context: Mapping[str, Any] | None = None) -> Path:
    """A cookiecutter config that keeps replay files out of the user's home and ignores their ~/.cookiecutterrc,
    whose default_context would otherwise change what `--no-input` renders. JSON is valid YAML."""
    directory.mkdir(parents=True, exist_ok=True)
    config_file = directory / "cookiecutter-config.yaml"
    config = {
        "cookiecutters_dir": str(directory / "cookiecutters"),
        "replay_dir": str(directory / "replay"),
        "default_context": dict(default_context or {}),
    }
    config_file.write_text(json.dumps(config, indent=2))
    return config_file


def run_cookiecutter(
    answers: Mapping[str, Any],
    output_dir: Path,
    config_file: Path,
    template: Path | str = TEMPLATE_DIR,
    *,
    replies: Sequence[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the cookiecutter CLI on `template` (a path or a git URL) with `answers` as extra context;
    stdout and stderr are kept apart.

    Without `replies` it runs with `--no-input`. With them it asks every question, as for a user at a
    terminal, and reads one reply per question from stdin (an empty reply accepts the default).
    """
    command = [
        sys.executable,
        "-m",
        "cookiecutter",
        *(["--no-input"] if replies is None else []),
        "--config-file",
        str(config_file),
        "--output-dir",
        str(output_dir),
        str(template),
        *(f"{name}={value}" for name, value in answers.items()),
    ]
    return subprocess.run(
        command,
        input=None if replies is None else "".join(f"{reply}\n" for reply in replies),
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=RENDER_TIMEOUT_SECONDS,
        check=False,
    )


def render(
    answers: Mapping[str, Any], output_dir: Path, config_file: Path, template: Path | str = TEMPLATE_DIR
) -> Path:
    """Render `answers` from `template` into the empty `output_dir` and return the project folder it holds."""
    output_dir.mkdir(parents=True, exist_ok=True)
    result = run_cookiecutter(answers, output_dir, config_file, template)
    if result.returncode != 0:
        raise RenderError(
            f"cookiecutter refused answers {dict(answers)!r} (exit code {result.returncode}):\n"
            f"{tail(result.stderr)}\n{tail(result.stdout)}"
        )
    projects = [path for path in output_dir.iterdir() if path.is_dir()]
    if len(projects) != 1:
        raise RenderError(f"Expected one project folder in {output_dir}, found {projects}")
    return projects[0]
