"""Finish the rendered project: write its secrets.

Runs inside the freshly rendered project folder. Everything random goes to the
git-ignored `.env`, so rendering the same answers twice gives identical tracked files.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path.cwd()


def write_env_file() -> None:
    """Write `.env` with fresh secrets through the project's own script, so that a
    teammate who clones the repository later gets the same file the same way."""
    subprocess.run(
        [sys.executable, "scripts/write_env_file.py"],
        cwd=PROJECT_DIR,
        check=True,
    )


def main() -> None:
    write_env_file()


if __name__ == "__main__":
    main()
