"""docs/adapter.md shows the adapter that every generated project with registration runs as a test, verbatim.

The doc's example adapter module is the generated `tests/accounts/example_adapter.py`,
which `tests/accounts/test_adapter_example.py` drives over HTTP: if either changes
alone, this test fails, so the doc cannot show an adapter that does not work. Its
settings snippet extends GATEHOUSE rather than replacing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from harness.rendering import TEMPLATE_DIR

DOC = TEMPLATE_DIR / "docs" / "adapter.md"
GENERATED_EXAMPLE = Path("tests", "accounts", "example_adapter.py")
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def python_blocks() -> list[str]:
    return PYTHON_BLOCK.findall(DOC.read_text())


def test_the_docs_example_is_the_generated_example_verbatim(render_answers: Callable[..., Path]) -> None:
    adapters = [block for block in python_blocks() if "(GatehouseAdapter):" in block]
    assert len(adapters) == 1, f"{DOC.name} should have one Python block that defines an adapter, found {len(adapters)}"
    generated = (render_answers() / GENERATED_EXAMPLE).read_text()
    assert generated == adapters[0], (
        f"The adapter in docs/{DOC.name} must be the generated {GENERATED_EXAMPLE} verbatim: "
        "change both together (the doc uses the default package name, gatehouse_api)."
    )


def test_the_docs_settings_extend_gatehouse_rather_than_replace_it() -> None:
    settings_blocks = [block for block in python_blocks() if "GATEHOUSE" in block and "class " not in block]
    assert settings_blocks, f"{DOC.name} should show how to name the adapter in GATEHOUSE"
    for block in settings_blocks:
        assert not re.search(r"^GATEHOUSE\s*=", block, re.MULTILINE), (
            f"{DOC.name} must extend GATEHOUSE (GATEHOUSE['ADAPTER'] = ...), never assign a new dict: {block}"
        )
        assert 'GATEHOUSE["ADAPTER"] = ' in block
