"""Read what the generated README tells a newcomer to type."""

from __future__ import annotations

import re
from pathlib import Path

FENCED_CODE_BLOCK = re.compile(r"^```[a-z]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_commands(project: Path) -> tuple[str, str]:
    """The serve and test commands: the README's first two code blocks, one `make` command each."""
    blocks = [block.strip() for block in FENCED_CODE_BLOCK.findall((project / "README.md").read_text())]
    commands = blocks[:2]
    one_make_command_each = len(commands) == 2 and all(re.fullmatch(r"make [^\n]+", command) for command in commands)
    assert one_make_command_each, (
        "The generated README must open with two code blocks, the serve command then the test command, "
        f"each one `make` command; its first blocks are {commands!r}"
    )
    return commands[0], commands[1]
