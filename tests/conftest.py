"""Fixtures shared by the template's tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.rendering import render, write_cookiecutter_config


@pytest.fixture(scope="session")
def cookiecutter_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cookiecutter config private to this test run (see write_cookiecutter_config)."""
    return write_cookiecutter_config(tmp_path_factory.mktemp("cookiecutter"))


@pytest.fixture
def render_answers(tmp_path: Path, cookiecutter_config: Path) -> Callable[..., Path]:
    """Render some answers (defaults for the rest) into a new folder under tmp_path; returns the project."""
    renders = 0

    def render_into_new_folder(**answers: Any) -> Path:
        nonlocal renders
        renders += 1
        return render(answers, tmp_path / f"render-{renders}", cookiecutter_config)

    return render_into_new_folder
