"""docs/custom-scenarios.md shows the code that every generated project runs as a test, verbatim.

The doc's example scenario module is the opening of the generated
`tests/login/test_custom_scenario.py`, whose tests drive it over HTTP: if either
changes alone, this test fails, so the doc cannot show code that does not work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from harness.rendering import TEMPLATE_DIR

DOC = TEMPLATE_DIR / "docs" / "custom-scenarios.md"
GENERATED_TEST = Path("tests", "login", "test_custom_scenario.py")
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def scenario_module_block() -> str:
    """The doc's code block that defines the example scenarios (the doc's other blocks are settings)."""
    blocks = [block for block in PYTHON_BLOCK.findall(DOC.read_text()) if "(Scenario):" in block]
    assert len(blocks) == 1, f"{DOC.name} should have one Python block that defines scenarios, found {len(blocks)}"
    return blocks[0]


def test_the_docs_example_is_the_generated_test_verbatim(render_answers: Callable[..., Path]) -> None:
    generated = (render_answers() / GENERATED_TEST).read_text()
    assert generated.startswith(scenario_module_block()), (
        f"The scenario code in docs/{DOC.name} must open the generated {GENERATED_TEST} verbatim: "
        "change both together (the doc uses the default package name, gatehouse_api)."
    )
