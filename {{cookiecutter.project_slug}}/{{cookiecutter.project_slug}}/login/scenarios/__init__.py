"""Login scenarios: the base classes a project subclasses, and the built-in scenarios.

GATEHOUSE["LOGIN_SCENARIOS"] names scenarios by their dotted path here, such as
`{{ cookiecutter.project_slug }}.authn.scenarios.PasswordScenario`.
"""

from .base import (
    Scenario,
    Step,
    StepContext,
    enabled_scenarios,
    get_scenario,
    register_scenario_source,
    scenario_classes,
)
from .builtin import EmailCodeScenario, PasswordAndEmailCodeScenario, PasswordScenario
from .steps import CredentialsStep, EmailCodeStep, EmailRequestStep

__all__ = [
    "CredentialsStep",
    "EmailCodeScenario",
    "EmailCodeStep",
    "EmailRequestStep",
    "PasswordAndEmailCodeScenario",
    "PasswordScenario",
    "Scenario",
    "Step",
    "StepContext",
    "enabled_scenarios",
    "get_scenario",
    "register_scenario_source",
    "scenario_classes",
]
