"""Every link between the template's pages (README.md, CHANGELOG.md, docs/*.md) reaches a page, and its anchor a
heading of that page, so that renaming a page or a heading cannot leave a link behind."""

from __future__ import annotations

import re
from pathlib import Path

from harness.markdown import FENCE, HEADING, doc_pages
from harness.rendering import TEMPLATE_DIR

# [text](target): targets without a scheme are links between the repository's files.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = heading.replace("`", "").strip().lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))


def anchors(page: Path) -> set[str]:
    return {anchor(match.group(2)) for match in HEADING.finditer(FENCE.sub("", page.read_text()))}


def test_every_link_between_the_pages_resolves():
    broken = []
    for page in [*doc_pages(), TEMPLATE_DIR / "CHANGELOG.md"]:
        prose = FENCE.sub("", page.read_text())
        for target in LINK.findall(prose):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, fragment = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.relative_to(TEMPLATE_DIR)}: {target} (no such file)")
            elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
                broken.append(f"{page.relative_to(TEMPLATE_DIR)}: {target} (no such heading)")
    assert not broken, "Links that lead nowhere:\n" + "\n".join(broken)
