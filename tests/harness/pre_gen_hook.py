"""The pre-generation hook's own checks, run on any answers without rendering the template.

The hook is a Jinja template only in its ANSWERS dict; its checks are plain functions of an answers dict.
Rendered once as cookiecutter renders it for `--no-input` and loaded as a module, it tells whether the hook
would accept a set of answers, so the tests never keep a second copy of what it refuses.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config
from cookiecutter.utils import create_env_with_context

from .rendering import TEMPLATE_DIR

HOOK = TEMPLATE_DIR / "hooks" / "pre_gen_project.py"


def cookiecutter_answers(answers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every answer `cookiecutter --no-input` renders with these extra answers, Jinja defaults rendered
    (project_slug from project_name, signing_algorithm from auth_role), private `_` keys left out."""
    context = generate_context(str(TEMPLATE_DIR / "cookiecutter.json"), extra_context=dict(answers or {}))
    resolved = prompt_for_config(context, no_input=True)
    return {name: value for name, value in resolved.items() if not name.startswith("_")}


@functools.cache
def load() -> ModuleType:
    """hooks/pre_gen_project.py rendered with the default answers and loaded as a module."""
    context = {"cookiecutter": cookiecutter_answers()}
    source = create_env_with_context(context).from_string(HOOK.read_text()).render(**context)
    module = ModuleType("pre_gen_project")
    module.__file__ = str(HOOK)
    exec(compile(source, str(HOOK), "exec"), module.__dict__)  # noqa: S102 - the template's own hook
    return module


def problems_with(answers: Mapping[str, Any]) -> list[str]:
    """What the hook says about these answers (the default answers for every prompt not given)."""
    hook = load()
    return hook.problems_with({**hook.ANSWERS, **{name: answers[name] for name in hook.ANSWERS if name in answers}})


def can_be_accepted(answers: Mapping[str, Any], choices: Mapping[str, Sequence[Any]]) -> bool:
    """Whether some answers to the `choices` prompts not in `answers` complete them into answers the hook
    accepts. Only the prompts the hook reads (its ANSWERS) can make a difference, so only those are tried."""
    hook_prompts = [name for name in choices if name in load().ANSWERS and name not in answers]
    for completion in itertools.product(*(choices[name] for name in hook_prompts)):
        if not problems_with({**answers, **dict(zip(hook_prompts, completion, strict=True))}):
            return True
    return False
