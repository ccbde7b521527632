"""The login operations of the OpenAPI schema: one per enabled scenario, each with its own step bodies.

`login/<scenario>/` is one URL pattern, so drf-spectacular describes it as one operation,
whose body can only be the body of any step of any scenario. This postprocessing hook
(SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) adds `login/<key>/` for each enabled
scenario, a copy of that operation whose body is one of the scenario's own steps, so
that a client generated from the schema knows what each scenario takes. The templated
operation stays, for a scenario that is not listed (404 `scenario_not_found`).
"""

from __future__ import annotations

import copy
from typing import Any

from django.urls import NoReverseMatch, reverse

from ..api.openapi import pascal_case
from .completion import completion_steps
from .scenarios import Scenario, Step, enabled_scenarios

LOGIN_URL_NAME = "login:login"
SCENARIO_PARAMETER = "scenario"


def step_component_name(scenario: Scenario, step: Step) -> str:
    """The component that holds the schema of `step`'s body in `scenario`."""
    return f"LoginStep{pascal_case(scenario.key)}{pascal_case(step.key)}"


def flow_steps(scenario: Scenario) -> list[Step]:
    """Every step a flow of `scenario` may ask for: its own, then those of the completion requirements."""
    return [*scenario.steps, *completion_steps(scenario)]


def step_bodies() -> dict[str, dict[str, Any]]:
    """The schema of each enabled step's body, by component name."""
    return {
        step_component_name(scenario, step): scenario.body_schema(step)
        for scenario in enabled_scenarios()
        for step in flow_steps(scenario)
    }


def reference(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def one_of_the_bodies(names: list[str]) -> dict[str, Any]:
    """A schema for a body that is one of these components' (`anyOf`: two scenarios may share a step's body)."""
    return reference(names[0]) if len(names) == 1 else {"anyOf": [reference(name) for name in names]}


def add_scenario_operations(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Add `POST login/<key>/` for each enabled scenario, with the bodies of that scenario's steps."""
    try:
        templated_path = reverse(LOGIN_URL_NAME, kwargs={SCENARIO_PARAMETER: "SCENARIO"})
    except NoReverseMatch:
        # GATEHOUSE["ENABLED_ENDPOINTS"] leaves login out.
        return result
    templated_path = templated_path.replace("SCENARIO", "{" + SCENARIO_PARAMETER + "}")
    templated = result["paths"].get(templated_path, {}).get("post")
    if templated is None:
        return result
    for scenario in enabled_scenarios():
        operation = copy.deepcopy(templated)
        operation["operationId"] = f"auth_login_{scenario.key.replace('-', '_')}_create"
        operation["summary"] = f"{scenario.name}: one step"
        parameters = [
            parameter for parameter in operation.pop("parameters", []) if parameter["name"] != SCENARIO_PARAMETER
        ]
        if parameters:
            operation["parameters"] = parameters
        names = [step_component_name(scenario, step) for step in flow_steps(scenario)]
        operation["requestBody"] = {
            "content": {"application/json": {"schema": one_of_the_bodies(names)}},
            # A scenario whose first step takes no field (a passkey's `options`) may start with no body at all.
            "required": bool(scenario.first_step().get_schema().get("required")),
        }
        result["paths"][reverse(LOGIN_URL_NAME, kwargs={SCENARIO_PARAMETER: scenario.key})] = {"post": operation}
    return result
