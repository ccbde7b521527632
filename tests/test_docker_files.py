"""compose.yaml, the Dockerfile and .dockerignore refer only to what exists in the render.

No Docker engine runs where these tests do, so they parse the files (PyYAML for compose.yaml)
and check every reference against the rendered project: services, environment variables,
modules, files and the user the image runs as. Building and starting the stack is for a
machine with Docker (docs/deployment.md).
"""

from __future__ import annotations

import ast
import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from cookiecutter.main import cookiecutter
from harness.dotenv import read_env_file
from harness.rendering import TEMPLATE_DIR

pytestmark = pytest.mark.xdist_group("docker_files")

ANSWER_SETS = {
    "redis-broker": {"task_broker": "redis"},
    "rabbitmq-broker-postgresql": {"task_broker": "rabbitmq", "database": "postgresql"},
    "auth-service-eddsa": {"auth_role": "auth_service", "signing_algorithm": "EdDSA"},
    "client-service-rs256": {"auth_role": "client_service", "signing_algorithm": "RS256"},
}
INFRASTRUCTURE = {"postgres", "redis", "mailpit"}
PROJECT_PROCESSES = {"migrate", "web", "worker", "beat"}
# Read by Django itself (and by manage.py, wsgi.py and celery_app.py), not through `env(...)`.
READ_OUTSIDE_SETTINGS = {"DJANGO_SETTINGS_MODULE"}
DOTTED_MODULE = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+")
MINIMUM_PIP = (25, 1)


@dataclass(frozen=True)
class Render:
    """A rendered project and its parsed compose.yaml."""

    answers: dict[str, str]
    project: Path
    compose: dict[str, Any]

    @property
    def services(self) -> dict[str, dict[str, Any]]:
        return self.compose["services"]


def render_project(output_dir: Path, config_file: Path, **answers: str) -> Path:
    """Render the template with cookiecutter's Python API, as `cookiecutter --no-input` would."""
    return Path(
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            extra_context=answers,
            output_dir=str(output_dir),
            config_file=str(config_file),
        )
    )


@pytest.fixture(scope="module", params=list(ANSWER_SETS), ids=list(ANSWER_SETS))
def render(request, tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Render:
    answers = ANSWER_SETS[request.param]
    project = render_project(tmp_path_factory.mktemp(request.param), cookiecutter_config, **answers)
    return Render(answers, project, yaml.safe_load((project / "compose.yaml").read_text()))


def project_process_services(render: Render) -> dict[str, dict[str, Any]]:
    """The services that run the project's image (the ones that build or reuse it)."""
    image = render.services["web"]["image"]
    return {name: service for name, service in render.services.items() if service.get("image") == image}


def env_calls(path: Path) -> list[tuple[str, bool]]:
    """Every `env("NAME", ...)` / `env.kind("NAME", ...)` in a settings file, with whether it has a default."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function.value, "id", None)
        if isinstance(function, ast.Attribute) and not isinstance(function.value, ast.Name):
            continue
        if name == "env" and isinstance(node.args[0].value, str):
            # django-environ's signature is (name, cast, default, ...): a default is the third positional.
            has_default = len(node.args) > 2 or any(keyword.arg == "default" for keyword in node.keywords)
            calls.append((node.args[0].value, has_default))
    return calls


def variables_read_by_settings(project: Path) -> set[str]:
    return {name for path in (project / "config" / "settings").glob("*.py") for name, _ in env_calls(path)}


def variables_required_in_production(project: Path) -> set[str]:
    """Variables production settings read without a default (base.py's included): a missing one stops start-up."""
    settings = project / "config" / "settings"
    calls = env_calls(settings / "base.py") + env_calls(settings / "production.py")
    return {name for name, has_default in calls if not has_default}


def variables_read_by_gunicorn_config(project: Path) -> set[str]:
    return set(
        re.findall(r"""os\.environ\.get\(["']([A-Z0-9_]+)["']""", (project / "config" / "gunicorn.py").read_text())
    )


def module_exists(project: Path, dotted: str) -> bool:
    path = project.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def command_words(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def dockerfile_instructions(project: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    lines = [line for line in (project / "Dockerfile").read_text().splitlines() if not line.lstrip().startswith("#")]
    joined = "\n".join(lines).replace("\\\n", " ")
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
        for line in joined.splitlines()
        if line.strip()
    ]


def final_stage(project: Path) -> list[tuple[str, str]]:
    instructions = dockerfile_instructions(project)
    last_from = max(index for index, (instruction, _) in enumerate(instructions) if instruction == "FROM")
    return instructions[last_from:]


# compose.yaml ---------------------------------------------------------------------------------------------


def test_compose_runs_the_services_of_the_chosen_broker(render: Render):
    expected = INFRASTRUCTURE | PROJECT_PROCESSES
    if render.answers.get("task_broker") == "rabbitmq":
        expected |= {"rabbitmq"}
    assert set(render.services) == expected


def test_every_depends_on_names_a_service_that_can_meet_its_condition(render: Render):
    for name, service in render.services.items():
        depends_on = service.get("depends_on", {})
        conditions = dict.fromkeys(depends_on, "service_started") if isinstance(depends_on, list) else depends_on
        for target, condition in conditions.items():
            assert target in render.services, f"{name} depends on {target}, which is no service"
            condition = condition.get("condition", "service_started") if isinstance(condition, dict) else condition
            if condition == "service_healthy":
                assert "healthcheck" in render.services[target], (
                    f"{name} waits for {target} to be healthy: no healthcheck"
                )
            if condition == "service_completed_successfully":
                assert render.services[target].get("restart") == "no", (
                    f"{target} must run once for {name} to wait on it"
                )


def test_long_running_services_have_health_checks(render: Render):
    for name, service in render.services.items():
        if name not in {"migrate", "beat"}:
            assert "healthcheck" in service, f"{name} has no healthcheck"


def test_the_project_services_read_only_variables_that_the_settings_read(render: Render):
    known = variables_read_by_settings(render.project) | READ_OUTSIDE_SETTINGS
    gunicorn = variables_read_by_gunicorn_config(render.project)
    for name, service in project_process_services(render).items():
        unknown = set(service.get("environment", {})) - known - (gunicorn if name == "web" else set())
        assert not unknown, f"{name} sets variables that nothing reads: {sorted(unknown)}"


def test_the_project_services_get_every_variable_production_requires(render: Render):
    required = variables_required_in_production(render.project)
    assert required, "production settings must require some variables"
    for name, service in project_process_services(render).items():
        provided = set(service.get("environment", {}))
        if service.get("env_file") == ".env":
            provided |= set(read_env_file(render.project / ".env"))
        assert required <= provided, f"{name} lacks {sorted(required - provided)}"
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_the_project_services_run_modules_and_files_that_exist(render: Render):
    processes = project_process_services(render)
    assert set(processes) == PROJECT_PROCESSES
    assert {"config.wsgi", "config/gunicorn.py"} <= set(command_words(processes["web"]["command"]))
    for name in ("worker", "beat"):
        assert "config.celery_app" in command_words(processes[name]["command"]), name
    for name, service in processes.items():
        words = command_words(service["command"])
        words += command_words(service.get("healthcheck", {}).get("test", [])[1:])
        words.append(service["environment"]["DJANGO_SETTINGS_MODULE"])
        for word in words:
            if word.endswith(".py"):
                assert (render.project / word).is_file(), f"{name} runs {word}, which the render lacks"
            elif DOTTED_MODULE.fullmatch(word):
                assert module_exists(render.project, word), f"{name} names module {word}, which the render lacks"


def test_named_volumes_are_declared_and_used(render: Render):
    used = {
        volume.split(":", 1)[0]
        for service in render.services.values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }
    assert used == set(render.compose.get("volumes", {})), "every named volume must be declared once and used"


def test_third_party_images_are_pinned(render: Render):
    for name, service in render.services.items():
        if name in project_process_services(render):
            continue
        image = service["image"]
        assert ":" in image, f"{name} must pin a version of {image}"
        assert not image.endswith(":latest"), f"{name} must pin a version of {image}"


# Dockerfile and .dockerignore -----------------------------------------------------------------------------


def test_dockerfile_copies_only_files_that_exist(render: Render):
    for instruction, arguments in dockerfile_instructions(render.project):
        if instruction != "COPY" or "--from=" in arguments:
            continue
        *sources, _destination = [word for word in shlex.split(arguments) if not word.startswith("--")]
        for source in sources:
            assert (render.project / source).exists(), f"COPY {source}: not in the render"


def test_image_runs_as_an_unprivileged_user(render: Render):
    stage = final_stage(render.project)
    users = [
        (index, arguments.split(":")[0].strip())
        for index, (instruction, arguments) in enumerate(stage)
        if instruction == "USER"
    ]
    assert users, "the final stage must switch to an unprivileged USER"
    last_index, last_user = users[-1]
    assert last_user not in {"root", "0"}
    assert all(instruction != "USER" for instruction, _ in stage[last_index + 1 :])


def test_image_installs_the_runtime_group_with_a_recent_pip(render: Render):
    runs = [arguments for instruction, arguments in dockerfile_instructions(render.project) if instruction == "RUN"]
    assert any("pip install --group runtime" in run for run in runs)
    pyproject = tomllib.loads((render.project / "pyproject.toml").read_text())
    assert "runtime" in pyproject["dependency-groups"]
    [pip_version] = [match for run in runs for match in re.findall(r"\bpip==([0-9.]+)", run)]
    assert tuple(int(part) for part in pip_version.split(".")[:2]) >= MINIMUM_PIP, "--group needs pip 25.1 or later"


def test_image_collects_static_files_at_build_time(render: Render):
    runs = [arguments for instruction, arguments in final_stage(render.project) if instruction == "RUN"]
    assert any("manage.py collectstatic --no-input" in run for run in runs)


def test_image_serves_the_wsgi_app_with_the_gunicorn_config(render: Render):
    [command] = [arguments for instruction, arguments in final_stage(render.project) if instruction == "CMD"]
    words = yaml.safe_load(command)  # the exec form is a JSON array
    assert words[:3] == ["gunicorn", "--config", "config/gunicorn.py"]
    assert module_exists(render.project, words[3]), words[3]


def test_dockerignore_keeps_secrets_and_the_virtualenv_out(render: Render):
    patterns = {line.strip().rstrip("/") for line in (render.project / ".dockerignore").read_text().splitlines()}
    assert {".env", ".venv"} <= patterns
    copied = {
        source
        for instruction, arguments in dockerfile_instructions(render.project)
        if instruction == "COPY" and "--from=" not in arguments
        for source in shlex.split(arguments)[:-1]
    }
    assert not copied & patterns, "a COPY source must not be excluded from the build context"


def test_without_docker_the_project_has_no_docker_files(tmp_path: Path, cookiecutter_config: Path):
    project = render_project(tmp_path, cookiecutter_config, use_docker="n")
    left = [
        name
        for name in ("compose.yaml", "Dockerfile", ".dockerignore", "tests/test_dockerfile.py")
        if (project / name).exists()
    ]
    assert not left, f"use_docker=n must remove {left}"
    assert (project / "manage.py").is_file()
