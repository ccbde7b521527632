"""`manage.py check` refuses a GATEHOUSE["LOGIN_SCENARIOS"] that `options/` and `login/` could not serve."""

from {{ cookiecutter.project_slug }}.login import checks
from {{ cookiecutter.project_slug }}.login.scenarios import CredentialsStep, PasswordScenario

from .helpers import BUILTIN_SCENARIOS, dotted_path


class UnroutableScenario(PasswordScenario):
    key = "email and password"


class SchemalessStep(CredentialsStep):
    def get_schema(self) -> dict:
        return {"type": "object", "required": "email"}


class BrokenSchemaScenario(PasswordScenario):
    key = "broken-schema"
    steps = (SchemalessStep(),)


class RepeatedStepScenario(PasswordScenario):
    key = "repeated-step"
    steps = (CredentialsStep(), CredentialsStep())


def scenario_check_ids(settings, *paths: str) -> list[str]:
    settings.GATEHOUSE = {**settings.GATEHOUSE, "LOGIN_SCENARIOS": list(paths)}
    return [error.id for error in checks.check_login_scenarios()]


def test_builtin_scenarios_pass_the_system_check(settings):
    assert scenario_check_ids(settings, *map(dotted_path, BUILTIN_SCENARIOS)) == []


def test_a_scenario_that_cannot_be_imported_fails_the_system_check(settings):
    assert scenario_check_ids(settings, "no_such_module.NoSuchScenario") == [checks.SCENARIO_NOT_IMPORTABLE]


def test_a_class_that_is_not_a_scenario_fails_the_system_check(settings):
    assert scenario_check_ids(settings, "builtins.dict") == [checks.SCENARIO_NOT_A_SCENARIO]


def test_a_scenario_key_that_cannot_be_routed_fails_the_system_check(settings):
    assert scenario_check_ids(settings, dotted_path(UnroutableScenario)) == [checks.SCENARIO_KEY_INVALID]


def test_two_scenarios_with_one_key_fail_the_system_check(settings):
    paths = [dotted_path(PasswordScenario), dotted_path(PasswordScenario)]
    assert scenario_check_ids(settings, *paths) == [checks.SCENARIO_KEY_DUPLICATE]


def test_a_step_with_an_invalid_schema_fails_the_system_check(settings):
    assert scenario_check_ids(settings, dotted_path(BrokenSchemaScenario)) == [checks.SCENARIO_STEPS_INVALID]


def test_two_steps_with_one_key_fail_the_system_check(settings):
    assert scenario_check_ids(settings, dotted_path(RepeatedStepScenario)) == [checks.SCENARIO_STEPS_INVALID]
