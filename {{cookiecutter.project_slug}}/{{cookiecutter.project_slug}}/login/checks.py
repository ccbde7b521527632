"""System checks of the login scenarios (GATEHOUSE["LOGIN_SCENARIOS"])."""

from __future__ import annotations

import re
from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from .scenarios import Scenario, scenario_classes

SCENARIO_NOT_IMPORTABLE = "gatehouse.E020"
SCENARIO_NOT_A_SCENARIO = "gatehouse.E021"
SCENARIO_KEY_INVALID = "gatehouse.E022"
SCENARIO_KEY_DUPLICATE = "gatehouse.E023"
SCENARIO_STEPS_INVALID = "gatehouse.E024"
# What `login/<slug:scenario>/` can route.
SCENARIO_KEY_PATTERN = r"[-a-zA-Z0-9_]+"


@register(Tags.security)
def check_login_scenarios(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Each of LOGIN_SCENARIOS must be a Scenario with a routable, unique key and steps with valid schemas."""
    try:
        classes = scenario_classes()
    except ImportError as error:
        return [scenario_error(f"it names a class that cannot be imported ({error})", SCENARIO_NOT_IMPORTABLE)]
    errors: list[CheckMessage] = []
    keys: set[str] = set()
    for scenario_class in classes:
        if not (isinstance(scenario_class, type) and issubclass(scenario_class, Scenario)):
            errors.append(scenario_error(f"{scenario_class!r} is not a Scenario subclass", SCENARIO_NOT_A_SCENARIO))
            continue
        key = getattr(scenario_class, "key", None)
        if not isinstance(key, str) or not re.fullmatch(SCENARIO_KEY_PATTERN, key):
            errors.append(
                scenario_error(
                    f"{scenario_class.__name__}.key is {key!r}, which login/<scenario>/ cannot route "
                    "(use letters, digits, hyphens and underscores)",
                    SCENARIO_KEY_INVALID,
                )
            )
        elif key in keys:
            errors.append(scenario_error(f"two scenarios have the key {key!r}", SCENARIO_KEY_DUPLICATE))
        else:
            keys.add(key)
        errors.extend(check_scenario_steps(scenario_class))
    return errors


def check_scenario_steps(scenario_class: type) -> list[CheckMessage]:
    """A scenario needs at least one step, step keys unique within it, and a valid object schema per step."""
    steps = list(getattr(scenario_class, "steps", ()))
    name = scenario_class.__name__
    if not steps:
        return [scenario_error(f"{name} has no steps", SCENARIO_STEPS_INVALID)]
    errors: list[CheckMessage] = []
    step_keys = [getattr(step, "key", None) for step in steps]
    if len(set(step_keys)) != len(step_keys):
        errors.append(scenario_error(f"{name} has two steps with one key ({step_keys})", SCENARIO_STEPS_INVALID))
    for step in steps:
        try:
            schema = step.get_schema()
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            errors.append(
                scenario_error(
                    f"{name} step {step.key!r} has an invalid schema ({error.message})", SCENARIO_STEPS_INVALID
                )
            )
            continue
        if schema.get("type") != "object":
            errors.append(scenario_error(f"{name} step {step.key!r} must take a JSON object", SCENARIO_STEPS_INVALID))
    return errors


def scenario_error(reason: str, error_id: str) -> Error:
    return Error(f"GATEHOUSE['LOGIN_SCENARIOS']: {reason}.", obj="settings.GATEHOUSE", id=error_id)
