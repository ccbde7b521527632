"""One virtualenv per distinct set of pinned dependencies, shared by every render that pins the same.

Installing a render's dependencies is the slowest step of the matrix; most combinations pin exactly the
same packages, so a venv is keyed by a hash of the render's `[dependency-groups]` table and the Python
that builds it, and kept in a cache folder outside the repository between runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import tomllib
from pathlib import Path

from filelock import FileLock

from .processes import clean_environment, describe, run

# The generated project installs its pins with `pip install --group`, which pip has since 25.1.
PIP_REQUIREMENT = "pip>=25.1"
INSTALL_TIMEOUT_SECONDS = 1200
# Written last, so that a build interrupted halfway is recognised and started again.
READY_MARKER = ".gatehouse-ready"


def cache_dir() -> Path:
    """Where venvs outlive a test run: $GATEHOUSE_TEST_CACHE, else the user's cache folder."""
    if configured := os.environ.get("GATEHOUSE_TEST_CACHE"):
        return Path(configured).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "gatehouse-tests"


def dependencies_key(pyproject: Path) -> str:
    """A short hash of what decides the venv's contents: the dependency groups and the Python version."""
    groups = tomllib.loads(pyproject.read_text())["dependency-groups"]
    identity = {
        "dependency-groups": groups,
        "python": [platform.python_implementation(), platform.python_version(), platform.machine()],
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def virtualenv_for(project_dir: Path) -> Path:
    """The bin/ folder of a venv holding the project's `dev` group, built on first use.

    The lock makes pytest-xdist workers that need the same venv wait for one build instead of racing.
    """
    pyproject = project_dir / "pyproject.toml"
    venvs = cache_dir() / "venvs"
    venvs.mkdir(parents=True, exist_ok=True)
    key = dependencies_key(pyproject)
    venv_dir = venvs / key
    with FileLock(venvs / f"{key}.lock", timeout=INSTALL_TIMEOUT_SECONDS):
        if not (venv_dir / READY_MARKER).exists():
            shutil.rmtree(venv_dir, ignore_errors=True)
            _build(venv_dir, pyproject)
    return venv_dir / "bin"


def _build(venv_dir: Path, pyproject: Path) -> None:
    python = venv_dir / "bin" / "python"
    steps = [
        [sys.executable, "-m", "venv", venv_dir],
        [python, "-m", "pip", "install", "--quiet", "--upgrade", PIP_REQUIREMENT],
        [python, "-m", "pip", "install", "--quiet", "--group", f"{pyproject}:dev"],
    ]
    for command in steps:
        result = run(command, cwd=pyproject.parent, environment=clean_environment(), timeout=INSTALL_TIMEOUT_SECONDS)
        if result.returncode != 0:
            raise RuntimeError(f"Could not build the venv for {pyproject}:\n{describe(result)}")
    (venv_dir / READY_MARKER).write_text(pyproject.read_text())
