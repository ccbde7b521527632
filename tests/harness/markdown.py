"""Read the fenced code blocks of the template's Markdown pages, and the answers a shell block announces.

A shell block (```sh, ```bash or ```console) is what a reader pastes into a terminal. On docs/curl-examples.md each
request is followed by a comment that announces its answer, `# → 200 {"status": "complete", "access": …}`: the
status, then the JSON body as a pattern in which `…` stands for any value, and, as the last member of an object or
the last item of a list, for any further members or items.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .rendering import TEMPLATE_DIR

SHELL_LANGUAGES = frozenset({"sh", "bash", "console"})
FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^(#{1,6}) +(.+?) *#*$", re.MULTILINE)
ANNOUNCEMENT = re.compile(r"^# → (\d{3})(?: (.+))?$")
ELLIPSIS = "…"
# JSON string literals, and the text between them (where a bare … may stand).
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
REST_MARKER = "\u2026rest"


@dataclass(frozen=True)
class Block:
    """A fenced code block: its page (relative to the template), the line its fence opens on, the headings it is
    under (outermost first), its language and its text."""

    page: str
    line: int
    headings: tuple[str, ...]
    language: str
    text: str

    @property
    def is_shell(self) -> bool:
        return self.language in SHELL_LANGUAGES

    @property
    def section(self) -> str:
        """The nearest heading above the block ('' before the first)."""
        return self.headings[-1] if self.headings else ""

    def where(self) -> str:
        return f"{self.page}:{self.line}"

    def commands(self) -> list[str]:
        """The block's commands: lines with their backslash continuations joined, comments and blank lines left out,
        and a trailing comment cut off (the blocks use no `#` inside a word or quotes before a comment)."""
        joined = re.sub(r"\\\n\s*", "", self.text)
        commands = []
        for line in joined.splitlines():
            command = re.sub(r"\s+#\s.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
        return commands


def doc_pages() -> list[Path]:
    """Every page of the template's documentation: README.md and docs/*.md."""
    return [TEMPLATE_DIR / "README.md", *sorted((TEMPLATE_DIR / "docs").glob("*.md"))]


def fenced_blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page, in order."""
    text = path.read_text()
    page = path.relative_to(TEMPLATE_DIR).as_posix()
    blocks = []
    for match in FENCE.finditer(text):
        before = text[: match.start()]
        # Headings inside earlier code blocks (shell comments) are not headings.
        prose = FENCE.sub("", before)
        stack: list[tuple[int, str]] = []
        for heading in HEADING.finditer(prose):
            level = len(heading.group(1))
            stack = [entry for entry in stack if entry[0] < level] + [(level, heading.group(2))]
        line = before.count("\n") + 1
        headings = tuple(title for _, title in stack)
        blocks.append(Block(page, line, headings, match.group(1), match.group(2)))
    return blocks


def shell_blocks(path: Path) -> list[Block]:
    """The shell blocks of a Markdown page, in order."""
    return [block for block in fenced_blocks(path) if block.is_shell]


@dataclass(frozen=True)
class Announcement:
    """What a `# → <status> <pattern>` comment says the answer is."""

    status: int
    pattern: Any  # None when the answer has no body

    def mismatch(self, body: Any) -> str | None:
        """Why `body` does not fit the pattern, or None when it does."""
        if self.pattern is None:
            return None if body is None else f"no body was announced, got {body!r}"
        return pattern_mismatch(self.pattern, body, "body")


def announcements(block: Block) -> list[Announcement]:
    """The answers a block's comments announce, in order."""
    found = []
    for line in block.text.splitlines():
        match = ANNOUNCEMENT.match(line.strip())
        if match:
            status, pattern = match.groups()
            found.append(Announcement(int(status), parse_pattern(pattern) if pattern else None))
    return found


def parse_pattern(text: str) -> Any:
    """A JSON pattern: a bare `…` becomes the wildcard string "…"; as the last member of an object it becomes the
    key REST_MARKER, as the last item of a list the item REST_MARKER (any further members or items)."""
    parts = []
    position = 0
    for string in JSON_STRING.finditer(text):
        parts.append(_bare_ellipses(text[position : string.start()]))
        parts.append(string.group())
        position = string.end()
    parts.append(_bare_ellipses(text[position:]))
    return json.loads("".join(parts))


def _bare_ellipses(text: str) -> str:
    text = text.replace(ELLIPSIS, f'"{ELLIPSIS}"')
    text = re.sub(rf'([{{,]\s*)"{ELLIPSIS}"(\s*}})', rf'\1"{REST_MARKER}": null\2', text)
    return re.sub(rf'([\[,]\s*)"{ELLIPSIS}"(\s*\])', rf'\1"{REST_MARKER}"\2', text)


def pattern_mismatch(pattern: Any, value: Any, where: str) -> str | None:
    """Why `value` does not fit `pattern` (see parse_pattern), or None."""
    if pattern == ELLIPSIS:
        return None
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return f"{where}: expected an object, got {value!r}"
        open_ended = REST_MARKER in pattern
        expected = {key: member for key, member in pattern.items() if key != REST_MARKER}
        missing = expected.keys() - value.keys()
        extra = set() if open_ended else value.keys() - expected.keys()
        if missing or extra:
            return f"{where}: missing members {sorted(missing)}, unexpected members {sorted(extra)} in {value!r}"
        for key, member in expected.items():
            if problem := pattern_mismatch(member, value[key], f"{where}.{key}"):
                return problem
        return None
    if isinstance(pattern, list):
        if not isinstance(value, list):
            return f"{where}: expected a list, got {value!r}"
        open_ended = bool(pattern) and pattern[-1] == REST_MARKER
        items = pattern[:-1] if open_ended else pattern
        if len(value) < len(items) or (not open_ended and len(value) != len(items)):
            return f"{where}: expected {len(items)}{' or more' if open_ended else ''} items, got {value!r}"
        for index, item in enumerate(items):
            if problem := pattern_mismatch(item, value[index], f"{where}[{index}]"):
                return problem
        return None
    if pattern != value:
        return f"{where}: expected {pattern!r}, got {value!r}"
    return None
