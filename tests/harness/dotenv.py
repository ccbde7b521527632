"""Read a rendered project's `.env` the way its settings do (django-environ's `Env.read_env`)."""

from __future__ import annotations

import re
from pathlib import Path

ASSIGNMENT = re.compile(r"\A(?:export )?([A-Za-z_0-9]+)=(.*)\Z")
SINGLE_QUOTED = re.compile(r"\A'(.*)'\Z")
DOUBLE_QUOTED = re.compile(r'\A"(.*)"\Z')
ESCAPED_CHARACTER = re.compile(r"\\(.)")


def _unescape(match: re.Match[str]) -> str:
    # django-environ keeps \n, \r and \t as two characters (settings expand them with multiline=True)
    # and drops the backslash before anything else.
    character = match.group(1)
    return "\\" + character if character in "rnt" else character


def read_env_file(path: Path) -> dict[str, str]:
    """The variables a `.env` file assigns, with values exactly as django-environ hands them to settings."""
    variables: dict[str, str] = {}
    for line in path.read_text().splitlines():
        assignment = ASSIGNMENT.match(line)
        if not assignment:
            continue
        name, value = assignment.groups()
        if single_quoted := SINGLE_QUOTED.match(value):
            value = single_quoted.group(1)
        if double_quoted := DOUBLE_QUOTED.match(value):
            value = ESCAPED_CHARACTER.sub(_unescape, double_quoted.group(1))
        variables[name] = value
    return variables


def pem_from_env_value(value: str) -> bytes:
    """A PEM key stored on one line with its newlines written as \\n, as it was generated."""
    return value.replace("\\n", "\n").encode()
