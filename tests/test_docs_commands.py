"""Every shell block of the docs (README.md and docs/*.md) is run by a test, and does what its page says.

CLAIMS names, for each shell block (```sh, ```bash, ```console), the test that runs it: a block is claimed by page
and by the start of its first command. A block that no claim takes fails
test_every_shell_block_of_the_docs_is_run_by_a_test, so a new block cannot go untested; a claimed block's commands
are run by its test, which fails on any command it does not know how to run. The commands run through bash as
written, with the page's placeholders (`<path or URL of this repository>`, `<tag>`, the example repository URL...)
replaced by what this run has: the template itself, a tag of a copy of it, a free port instead of a fixed one.

What cannot run here, and what is checked instead:
- `make test` of the template is this test suite: CI runs it (`.ci/run`), which the test of its block checks.
- `docker ...`: there is no Docker engine on the test machines. The test of the Docker block checks that every service,
  port and file the commands name is in the rendered `compose.yaml` and `Dockerfile`; tests/test_docker_files.py checks
  the rest of those files. Nothing here starts a container.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from combinations import COMBINATIONS
from harness.deployment import call, post, stop
from harness.dotenv import read_env_file
from harness.markdown import Block, doc_pages, shell_blocks
from harness.processes import clean_environment, describe, run, tail
from harness.readme import readme_commands
from harness.rendering import TEMPLATE_DIR, render
from harness.services import POSTGRESQL, REDIS
from harness.smtp_sink import SmtpSink, free_loopback_port
from harness.venvs import virtualenv_for

pytestmark = pytest.mark.xdist_group("docs-commands")
# The tests that share a copy of the template with its tools installed (the slowest here: make demo) run apart.
IN_THE_TEMPLATE_CHECKOUT = pytest.mark.xdist_group("docs-template-checkout")

TOOLS_BIN = Path(sys.executable).parent
COMMAND_TIMEOUT_SECONDS = 900
SERVE_TIMEOUT_SECONDS = 900
# cookiecutter's questions, answered with their defaults: more empty replies than there are prompts.
DEFAULT_REPLIES = "\n" * 60
PLACEHOLDER = re.compile(r"<[a-z][a-z _]*>")
EXAMPLE_TEMPLATE_URL = "https://github.com/your-org/gatehouse.git"
NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
DEPLOYMENT_REDIS_URL = "redis://127.0.0.1:6379/14"
PASSWORD = "sturdy lantern orchard"


@dataclass(frozen=True)
class Claim:
    """The shell blocks of `page` whose first command starts with `first_command` (any, when None) are run by
    `test`: a test of this module, or `module.py::test` of another."""

    page: str
    first_command: str | None
    test: str

    def takes(self, block: Block) -> bool:
        commands = block.commands()
        first = commands[0] if commands else ""
        return block.page == self.page and (self.first_command is None or first.startswith(self.first_command))


CLAIMS = (
    Claim("README.md", "make demo", "test_make_demo_serves_a_fresh_render_and_make_test_is_what_ci_runs"),
    Claim("docs/index.md", "make demo", "test_make_demo_serves_a_fresh_render_and_make_test_is_what_ci_runs"),
    Claim("README.md", "cookiecutter <", "test_cookiecutter_asks_the_questions_and_the_project_readme_takes_over"),
    Claim("docs/index.md", "cookiecutter <", "test_cookiecutter_asks_the_questions_and_the_project_readme_takes_over"),
    Claim("README.md", "cookiecutter --no-input", "test_cookiecutter_without_input_renders_the_answers_given"),
    Claim("docs/options.md", "cookiecutter --no-input", "test_cookiecutter_without_input_renders_the_answers_given"),
    Claim("README.md", ".venv/bin/python -m pytest", "test_the_readme_variations_of_the_template_tests_run"),
    Claim(
        "docs/configuration.md", "DJANGO_SUPERUSER_EMAIL=", "test_createsuperuser_without_input_creates_the_superuser"
    ),
    Claim(
        "docs/deployment.md",
        "export DJANGO_SETTINGS_MODULE=",
        "test_the_deployment_page_starts_and_checks_a_deployment",
    ),
    Claim("docs/deployment.md", "DJANGO_SETTINGS_MODULE=", "test_the_deployment_page_starts_and_checks_a_deployment"),
    Claim("docs/deployment.md", "docker compose", "test_the_compose_commands_name_what_the_compose_file_defines"),
    Claim("docs/remote-split.md", None, "test_the_remote_split_commands_serve_an_auth_service_and_its_client"),
    Claim(
        "docs/remote-split.md",
        "npm install jose",
        "test_foreign_verifiers.py::test_the_jose_verifier_of_the_docs_accepts_access_tokens_and_refuses_refresh_tokens",
    ),
    Claim("docs/benchmarks.md", "make benchmark", "test_benchmarks.py::test_the_quick_benchmark_measures_every_case"),
    Claim("docs/upgrading.md", None, "test_the_upgrading_commands_create_check_diff_update_and_link"),
    Claim("docs/translations.md", None, "test_the_translations_commands_update_compile_and_add_a_language"),
    Claim("docs/testing.md", None, "test_the_testing_page_lists_the_cells_and_selects_one"),
    Claim(
        "docs/curl-examples.md", None, "test_docs_snippets.py::test_the_curl_examples_answer_as_each_block_announces"
    ),
)


def all_shell_blocks() -> list[Block]:
    return [block for page in doc_pages() for block in shell_blocks(page)]


def claims_of(block: Block) -> list[Claim]:
    """The claims that take `block`; a more specific one (a longer first command) wins over a shorter one."""
    taking = [claim for claim in CLAIMS if claim.takes(block)]
    longest = max((len(claim.first_command or "") for claim in taking), default=0)
    return [claim for claim in taking if len(claim.first_command or "") == longest]


def claimed_blocks(test: str) -> list[Block]:
    """The shell blocks that `test` runs, in page order."""
    blocks = [block for block in all_shell_blocks() if [claim.test for claim in claims_of(block)] == [test]]
    assert blocks, f"no shell block of the docs is claimed by {test}"
    return blocks


def test_every_shell_block_of_the_docs_is_run_by_a_test():
    unclaimed = [f"{block.where()}: {block.commands()[:1]}" for block in all_shell_blocks() if not claims_of(block)]
    assert not unclaimed, (
        "Every shell block of the docs must be run by a test: add a Claim to tests/test_docs_commands.py and teach "
        "its test the commands, or run the block from an existing test. Unclaimed:\n" + "\n".join(unclaimed)
    )
    ambiguous = [block.where() for block in all_shell_blocks() if len({c.test for c in claims_of(block)}) > 1]
    assert not ambiguous, f"blocks claimed by two tests: {ambiguous}"
    stale = [claim for claim in CLAIMS if not any(claim in claims_of(block) for block in all_shell_blocks())]
    assert not stale, f"claims that take no block (the page or its block changed): {stale}"


@pytest.mark.parametrize("test", sorted({claim.test for claim in CLAIMS}))
def test_each_claim_names_a_test_that_exists(test: str):
    module_name, _, function = test.rpartition("::")
    module = importlib.import_module(module_name.removesuffix(".py")) if module_name else sys.modules[__name__]
    assert callable(getattr(module, function, None)), f"{test} is named in CLAIMS but does not exist"


# --- Running commands ------------------------------------------------------------------------------------------


def bash(
    command: str,
    cwd: Path,
    environment: dict[str, str],
    *,
    stdin: str = "",
    timeout: float = COMMAND_TIMEOUT_SECONDS,
) -> subprocess.CompletedProcess[str]:
    """Run `command` with bash, as typed at a prompt; stdout and stderr merged."""
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", command],
        cwd=cwd,
        env=environment,
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


def succeed(command: str, cwd: Path, environment: dict[str, str], **options) -> str:
    result = bash(command, cwd, environment, **options)
    assert result.returncode == 0, f"in {cwd}:\n{describe(result)}"
    return result.stdout


def substitute(block: Block, command: str, values: dict[str, str]) -> str:
    """`command` with the page's placeholders replaced by `values`; fails on a placeholder it has no value for."""
    for placeholder, value in values.items():
        command = command.replace(placeholder, value)
    left = PLACEHOLDER.findall(command)
    assert not left, f"{block.where()}: no value for {left} in `{command}`; teach the test what to put there"
    return command


def with_tools(environment: dict[str, str]) -> dict[str, str]:
    """`environment` with the template's tools (cookiecutter, cruft) first on PATH, as after `pipx install`."""
    return {**environment, "PATH": f"{TOOLS_BIN}{os.pathsep}{environment.get('PATH', os.defpath)}"}


def with_virtualenv(environment: dict[str, str], bin_dir: Path) -> dict[str, str]:
    """`environment` with a project's virtualenv active (its `python` first on PATH)."""
    return {
        **environment,
        "VIRTUAL_ENV": str(bin_dir.parent),
        "PATH": f"{bin_dir}{os.pathsep}{environment.get('PATH', os.defpath)}",
    }


def no_test_runs(block: Block, command: str) -> None:
    pytest.fail(
        f"{block.where()}: the test of this block does not know how to run `{command}`: teach it, or claim the "
        "block for another test (CLAIMS in tests/test_docs_commands.py)"
    )


def dispatch(block: Block, command: str, handlers: list[tuple[str, Callable[[re.Match], None]]]) -> None:
    """Call the handler whose pattern matches the whole command, with the match."""
    for pattern, handler in handlers:
        if match := re.fullmatch(pattern, command):
            handler(match)
            return
    no_test_runs(block, command)


def copy_template(destination: Path) -> Path:
    """The template's files as they are in the working tree (tracked, or new and not ignored), in `destination`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=TEMPLATE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = TEMPLATE_DIR / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def cookiecutter_environment(cookiecutter_config: Path) -> dict[str, str]:
    """The tools on PATH and cookiecutter reading this run's config (no replay in the user's home, no rc file)."""
    return with_tools(clean_environment(COOKIECUTTER_CONFIG=str(cookiecutter_config)))


def only_project_in(directory: Path) -> Path:
    projects = [path for path in directory.iterdir() if path.is_dir()]
    assert len(projects) == 1, f"expected one rendered project in {directory}, found {projects}"
    return projects[0]


def wait_for_status(url: str, process: subprocess.Popen | None, log: Path, timeout: float) -> int:
    """The status of `url` once something answers there; fails if `process` (when given) exits first, or when time
    runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"exited with {process.returncode} before {url} answered:\n{tail(log.read_text())}")
        try:
            with NO_PROXY_OPENER.open(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    pytest.fail(f"{url} did not answer within {timeout}s:\n{tail(log.read_text())}")


def start_in_background(command: str, cwd: Path, environment: dict[str, str], log: Path) -> subprocess.Popen:
    """Run a long-running command with bash in a process group of its own (stop() ends it with its children)."""
    with log.open("w") as output:
        return subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-c", command],
            cwd=cwd,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


# --- README.md, docs/index.md, docs/options.md: the template's own commands -----------------------------------


@pytest.fixture(scope="module")
def template_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the template, as a fresh clone is, with its tools installed by its Makefile's own rule."""
    checkout = copy_template(tmp_path_factory.mktemp("checkout") / "gatehouse")
    succeed("make .venv/.installed", checkout, clean_environment())
    return checkout


@IN_THE_TEMPLATE_CHECKOUT
def test_make_demo_serves_a_fresh_render_and_make_test_is_what_ci_runs(template_checkout: Path, tmp_path: Path):
    def make_demo(_match: re.Match) -> None:
        # The README's own way to choose the port: 8000 may be taken on a test machine.
        port = free_loopback_port()
        log = tmp_path / "demo.log"
        process = start_in_background(
            f"make demo HOST_PORT=127.0.0.1:{port}", template_checkout, clean_environment(), log
        )
        try:
            health = wait_for_status(f"http://127.0.0.1:{port}/health/", process, log, SERVE_TIMEOUT_SECONDS)
            options = wait_for_status(f"http://127.0.0.1:{port}/api/auth/options/", process, log, 60)
        finally:
            stop(process)
        assert (health, options) == (200, 200), f"make demo must serve /health/ and options/:\n{tail(log.read_text())}"
        assert (template_checkout / "demo" / "gatehouse_api" / "manage.py").is_file()

    def make_test(_match: re.Match) -> None:
        # This suite is what `make test` runs, so it cannot run it; CI does (.ci/run), with every server it needs.
        ci = (TEMPLATE_DIR / ".ci" / "run").read_text().splitlines()
        assert "make test" in [line.strip() for line in ci], ".ci/run must run `make test`"
        makefile = (TEMPLATE_DIR / "Makefile").read_text()
        assert re.search(r"^test:.*\n\t\$\(BIN\)/python -m pytest tests$", makefile, re.MULTILINE), (
            "the Makefile's test target must run the template's tests"
        )

    done = set()  # README.md and docs/index.md show the same two commands: each runs once
    for block in claimed_blocks("test_make_demo_serves_a_fresh_render_and_make_test_is_what_ci_runs"):
        for command in block.commands():
            if command not in done:
                dispatch(block, command, [(r"make demo", make_demo), (r"make test", make_test)])
                done.add(command)


def test_cookiecutter_asks_the_questions_and_the_project_readme_takes_over(tmp_path: Path, cookiecutter_config: Path):
    environment = cookiecutter_environment(cookiecutter_config)
    blocks = claimed_blocks("test_cookiecutter_asks_the_questions_and_the_project_readme_takes_over")
    for number, block in enumerate(blocks):
        output = tmp_path / f"block-{number}"
        output.mkdir()
        project: Path | None = None
        for command in block.commands():
            if command == "cookiecutter <path or URL of this repository>":
                rendering = substitute(block, command, {"<path or URL of this repository>": str(TEMPLATE_DIR)})
                succeed(rendering, output, environment, stdin=DEFAULT_REPLIES)
                project = only_project_in(output)
            elif command == "cd <project_slug>":
                assert project is not None, f"{block.where()}: `{command}` before anything was rendered"
                assert project.name == "gatehouse_api", "the default answers render into gatehouse_api"
            elif command in ("make serve", "make test"):
                # The generated README's own commands, which test_generated_readme.py runs on a fresh render of
                # the defaults (make serve from scratch, make test to its end); make demo runs make serve too.
                assert project is not None, f"{block.where()}: `{command}` outside a rendered project"
                assert command in readme_commands(project), f"{block.where()}: `{command}` is not in the README"
            else:
                no_test_runs(block, command)


def test_cookiecutter_without_input_renders_the_answers_given(tmp_path: Path, cookiecutter_config: Path):
    environment = cookiecutter_environment(cookiecutter_config)
    placeholders = {"<path or URL>": str(TEMPLATE_DIR), "<template>": str(TEMPLATE_DIR)}
    for number, block in enumerate(claimed_blocks("test_cookiecutter_without_input_renders_the_answers_given")):

        def render_answers(match: re.Match, block: Block = block, number: int = number) -> None:
            command = substitute(block, match.group(0), placeholders)
            output = tmp_path / f"block-{number}"
            output.mkdir()
            succeed(command, output, environment)
            answers = dict(word.split("=", 1) for word in shlex.split(command) if "=" in word)
            recorded = json.loads((only_project_in(output) / ".cruft.json").read_text())["context"]["cookiecutter"]
            assert {name: recorded[name] for name in answers} == answers, f"{block.where()}: {recorded}"

        for command in block.commands():
            dispatch(block, command, [(r"cookiecutter --no-input <[^>]+>( \S+=.+)+", render_answers)])


@IN_THE_TEMPLATE_CHECKOUT
def test_the_readme_variations_of_the_template_tests_run(template_checkout: Path, tmp_path: Path):
    # Each variation runs one quick test of the suite (PYTEST_ADDOPTS), which is enough to show what the command does:
    # the whole files run elsewhere in this suite.
    another = copy_template(tmp_path / "another")
    # The other checkout renames a prompt that a named combination answers, so its own tests refuse the combination.
    context = json.loads((another / "cookiecutter.json").read_text())
    context = {("tokens_travel_in" if name == "token_transport" else name): value for name, value in context.items()}
    (another / "cookiecutter.json").write_text(json.dumps(context, indent=2))

    def one_file_in_one_process(match: re.Match) -> None:
        environment = clean_environment(PYTEST_ADDOPTS="-k test_env_file_is_ignored_by_git")
        output = succeed(match.group(0), template_checkout, environment)
        assert re.search(r"\b1 passed\b", output), output
        assert "workers" not in output, f"`-n 0` runs the tests in one process:\n{output}"

    def another_checkout(match: re.Match) -> None:
        command = substitute_path(match.group(0), "/path/to/another/checkout", another)
        environment = clean_environment(PYTEST_ADDOPTS="-n 0 -k test_combinations_answer_only_prompts_the_template_asks")
        result = bash(command, template_checkout, environment)
        # Only the other checkout lacks `token_transport`: its prompts were the ones tested.
        assert result.returncode != 0 and "['token_transport']" in result.stdout, describe(result)

    for block in claimed_blocks("test_the_readme_variations_of_the_template_tests_run"):
        for command in block.commands():
            dispatch(
                block,
                command,
                [
                    (r"\.venv/bin/python -m pytest tests/test_hooks\.py -n 0", one_file_in_one_process),
                    (r"GATEHOUSE_TEMPLATE_DIR=/path/to/another/checkout make test", another_checkout),
                ],
            )


@IN_THE_TEMPLATE_CHECKOUT
def test_the_testing_page_lists_the_cells_and_selects_one(template_checkout: Path):
    cells = [combination.summary for combination in COMBINATIONS]

    def list_cells(match: re.Match) -> None:
        output = succeed(match.group(0), template_checkout, clean_environment())
        assert output.splitlines() == cells, f"the listing prints one line per cell:\n{output}"

    def select(match: re.Match) -> None:
        # Rendering and testing a whole cell is test_matrix.py's work: collecting shows what the command selects.
        output = succeed(match.group(0), template_checkout, clean_environment(PYTEST_ADDOPTS="--collect-only -q -n 0"))
        selected = [line for line in output.splitlines() if "::" in line]
        assert selected, f"`{match.group(0)}` selects no test:\n{output}"
        expression = match.group("expression").strip('"')
        names = [name for name in re.split(r" and | or ", expression) if name]
        unrelated = [line for line in selected if not any(name in line for name in names)]
        assert not unrelated, f"`{match.group(0)}` selects tests it does not name: {unrelated}"

    for block in claimed_blocks("test_the_testing_page_lists_the_cells_and_selects_one"):
        for command in block.commands():
            dispatch(
                block,
                command,
                [
                    (r"cd tests && \.\./\.venv/bin/python -c .+", list_cells),
                    (r"\.venv/bin/python -m pytest tests/test_matrix\.py( -n 0)? -k (?P<expression>.+)", select),
                ],
            )


def substitute_path(command: str, example: str, path: Path) -> str:
    assert example in command, command
    return command.replace(example, str(path))


# --- docs/configuration.md ------------------------------------------------------------------------------------


def test_createsuperuser_without_input_creates_the_superuser(render_answers):
    project = render_answers()
    bin_dir = virtualenv_for(project)
    environment = with_virtualenv(clean_environment(), bin_dir)
    succeed("python manage.py migrate --no-input", project, environment)

    def create(match: re.Match) -> None:
        command = match.group(0)
        succeed(command, project, environment)
        variables = dict(word.split("=", 1) for word in shlex.split(command) if "=" in word)
        email, password = variables["DJANGO_SUPERUSER_EMAIL"], variables["DJANGO_SUPERUSER_PASSWORD"]
        code = (
            "from django.contrib.auth import get_user_model; "
            f"u = get_user_model().objects.get(email={email!r}); "
            f"print(u.is_superuser, u.is_staff, u.is_active, u.check_password({password!r}))"
        )
        answer = succeed(f"python manage.py shell --no-imports -c {shlex.quote(code)}", project, environment)
        assert answer.strip().splitlines()[-1] == "True True True True", answer

    for block in claimed_blocks("test_createsuperuser_without_input_creates_the_superuser"):
        for command in block.commands():
            dispatch(
                block,
                command,
                [
                    (
                        r"DJANGO_SUPERUSER_EMAIL=\S+ DJANGO_SUPERUSER_PASSWORD=.+ "
                        r"python manage\.py createsuperuser --noinput",
                        create,
                    )
                ],
            )


# --- docs/translations.md ------------------------------------------------------------------------------------


def test_the_translations_commands_update_compile_and_add_a_language(render_answers, tmp_path: Path):
    project = render_answers()
    package = project / "gatehouse_api"
    bin_dir = virtualenv_for(project)
    # The project's make targets with the shared virtualenv of its pins instead of a `.venv` of its own.
    installed = tmp_path / "venv"
    installed.mkdir()
    (installed / ".installed").touch()
    make_variables = f"VENV={installed} BIN={bin_dir}"
    environment = clean_environment()

    def untranslated() -> list[str]:
        entries = []
        for catalogue in package.glob("*/locale/*/LC_MESSAGES/django.po"):
            listed = succeed(f"msgattrib --untranslated --no-obsolete --no-wrap {catalogue}", project, environment)
            entries += [line for line in listed.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
        return entries

    def update(match: re.Match) -> None:
        succeed(f"{match.group(0)} {make_variables}", project, environment)
        assert untranslated() == [], "a fresh render's catalogues are complete: nothing new to translate"

    def compile_messages(match: re.Match) -> None:
        succeed(f"{match.group(0)} {make_variables}", project, environment)
        catalogues = list(package.glob("*/locale/*/LC_MESSAGES/django.po"))
        assert catalogues and all(po.with_suffix(".mo").is_file() for po in catalogues), "every .po is compiled"

    def add_language(match: re.Match) -> None:
        command = match.group(0).replace("<project_slug>", package.name).replace("../.venv/bin/python", str(bin_dir / "python"))
        succeed(command, project, environment)
        french = {po.parent.parent.parent.parent.name for po in package.glob("*/locale/fr/LC_MESSAGES/django.po")}
        german = {po.parent.parent.parent.parent.name for po in package.glob("*/locale/de/LC_MESSAGES/django.po")}
        assert german == french, "the new language gets a catalogue in every app that has texts"
        assert untranslated(), "the new language's entries wait for their translation"

    for block in claimed_blocks("test_the_translations_commands_update_compile_and_add_a_language"):
        for command in block.commands():
            dispatch(
                block,
                command,
                [
                    (r"make translations", update),
                    (r"make messages", compile_messages),
                    (r"cd <project_slug> && \.\./\.venv/bin/python \.\./manage\.py makemessages --locale de --no-location", add_language),
                ],
            )


# --- docs/deployment.md ---------------------------------------------------------------------------------------


@pytest.fixture
def production(tmp_path: Path, cookiecutter_config: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """The default answers rendered, with a production environment: a PostgreSQL database of its own (dropped
    afterwards), Redis as cache and broker, an SMTP sink, the render's signing key, and its virtualenv active."""
    POSTGRESQL.require()
    REDIS.require()
    project = render({}, tmp_path / "render", cookiecutter_config)
    bin_dir = virtualenv_for(project)
    name = f"gatehouse_docs_deploy_{secrets.token_hex(4)}"

    def psql(statement: str) -> None:
        connect = "psycopg.connect('postgres://postgres@127.0.0.1:5432/postgres', autocommit=True)"
        code = f"import psycopg; {connect}.execute({statement!r})"
        result = run([bin_dir / "python", "-c", code], cwd=project)
        assert result.returncode == 0, describe(result)

    flush = f"import redis; redis.Redis.from_url({DEPLOYMENT_REDIS_URL!r}).flushdb()"
    assert run([bin_dir / "python", "-c", flush], cwd=project).returncode == 0
    psql(f"CREATE DATABASE {name}")
    try:
        with SmtpSink() as sink:
            environment = with_virtualenv(
                clean_environment(
                    DJANGO_READ_DOT_ENV_FILE="false",
                    DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                    JWT_SIGNING_KEY=read_env_file(project / ".env")["JWT_SIGNING_KEY"],
                    MFA_ENCRYPTION_KEYS=read_env_file(project / ".env")["MFA_ENCRYPTION_KEYS"],
                    DJANGO_ALLOWED_HOSTS="127.0.0.1",
                    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}",
                    REDIS_URL=DEPLOYMENT_REDIS_URL,
                    EMAIL_HOST="127.0.0.1",
                    EMAIL_PORT=str(sink.port),
                    EMAIL_USE_TLS="false",
                ),
                bin_dir,
            )
            yield project, environment
    finally:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# The block's long-running processes, by what they are.
LONG_RUNNING = {
    "web": re.compile(r"gunicorn --config config/gunicorn\.py config\.wsgi"),
    "worker": re.compile(r"celery --app config\.celery_app worker .+"),
    "beat": re.compile(r"celery --app config\.celery_app beat .+"),
}
ONE_OFF = re.compile(r"export DJANGO_SETTINGS_MODULE=config\.settings\.production|python manage\.py \S+ --no-input")


def test_the_deployment_page_starts_and_checks_a_deployment(production: tuple[Path, dict[str, str]], tmp_path: Path):
    project, environment = production
    port = free_loopback_port()
    # The page's default bind is 0.0.0.0:$PORT; a test listens on loopback only, as GUNICORN_BIND allows.
    environment = {**environment, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    check = r"DJANGO_SETTINGS_MODULE=config\.settings\.production python manage\.py check --deploy .+"
    for block in claimed_blocks("test_the_deployment_page_starts_and_checks_a_deployment"):
        if block.commands()[0].startswith("export "):
            start_and_probe(block, project, environment, f"http://127.0.0.1:{port}", tmp_path)
        else:
            for command in block.commands():
                dispatch(block, command, [(check, lambda match: succeed(match.group(0), project, environment))])


def start_and_probe(block: Block, project: Path, environment: dict[str, str], base_url: str, tmp_path: Path) -> None:
    """Run the block in one bash: its one-off commands in order, its long-running ones in the background (each
    logging to a file, as a process manager would keep them running), then probe what they started."""
    lines = ["set -e"]
    logs: dict[str, Path] = {}
    for command in block.commands():
        kind = next((kind for kind, pattern in LONG_RUNNING.items() if pattern.fullmatch(command)), None)
        if kind is not None:
            logs[kind] = tmp_path / f"{kind}.log"
            lines.append(f"{command} >{shlex.quote(str(logs[kind]))} 2>&1 &")
        elif ONE_OFF.fullmatch(command):
            lines.append(command)
        else:
            no_test_runs(block, command)
    assert set(logs) == set(LONG_RUNNING), f"{block.where()} starts {sorted(logs)}"
    script_log = tmp_path / "one-off.log"
    process = start_in_background("\n".join(lines), project, environment, script_log)
    try:
        process.wait(timeout=COMMAND_TIMEOUT_SECONDS)
        assert process.returncode == 0, f"{block.where()}:\n{tail(script_log.read_text())}"
        assert (project / "staticfiles" / "admin").is_dir(), "collectstatic fills STATIC_ROOT"
        assert wait_for_status(f"{base_url}/health/", None, logs["web"], 60) == 200, tail(logs["web"].read_text())
        wait_for_log(logs["worker"], " ready.")
        wait_for_log(logs["beat"], "beat: Starting...")
    finally:
        # The group of the bash that started them: it ends the web, worker and beat processes with it.
        stop(process)


def wait_for_log(log: Path, marker: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while marker not in log.read_text():
        assert time.monotonic() < deadline, f"{log.name} never said {marker!r}:\n{tail(log.read_text())}"
        time.sleep(0.5)


def test_the_compose_commands_name_what_the_compose_file_defines(render_answers):
    # No Docker engine runs on the test machines: the commands are not run. What they name must exist.
    project = render_answers()
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    services = compose["services"]
    dockerfile = (project / "Dockerfile").read_text()

    def published(port: str) -> list[str]:
        return [name for name, service in services.items() if f"127.0.0.1:{port}:{port}" in service.get("ports", [])]

    def service_names(names: str) -> list[str]:
        return names.split()

    def up(_match: re.Match) -> None:
        assert [name for name, service in services.items() if "build" in service], "`--build` builds a service"

    def health(match: re.Match) -> None:
        assert published(match.group(1)) == ["web"], f"web publishes 127.0.0.1:{match.group(1)}"

    def run_in_web(match: re.Match) -> None:
        assert match.group(1) in services and "build" in services[match.group(1)], services.get(match.group(1))
        assert re.search(r"^COPY manage\.py \./$", dockerfile, re.MULTILINE), "the image holds manage.py"

    def logs(match: re.Match) -> None:
        missing = [name for name in service_names(match.group(1)) if name not in services]
        assert not missing, f"compose.yaml has no service {missing}"

    for block in claimed_blocks("test_the_compose_commands_name_what_the_compose_file_defines"):
        for url_port in re.findall(r"http://127\.0\.0\.1:(\d+)", block.text):
            assert published(url_port), f"{block.where()}: no service publishes 127.0.0.1:{url_port}"
        assert "mailpit" in published("8025"), "the comment's Mailpit is on 8025"
        for command in block.commands():
            dispatch(
                block,
                command,
                [
                    (r"docker compose up --build --detach", up),
                    (r"curl http://127\.0\.0\.1:(\d+)/health/", health),
                    (r"docker compose run --rm (\w+) python manage\.py createsuperuser", run_in_web),
                    (r"docker compose logs --follow ((?:\w+ ?)+)", logs),
                ],
            )


# --- docs/remote-split.md -------------------------------------------------------------------------------------


def test_the_remote_split_commands_serve_an_auth_service_and_its_client(tmp_path: Path, cookiecutter_config: Path):
    environment = cookiecutter_environment(cookiecutter_config)
    # Free ports for the page's 8001 (the auth service) and 8000 (the client); the client's .env names 8001, so its
    # AUTH_SERVICE_URL is set to the auth service's real port.
    ports = {"8001": free_loopback_port(), "8000": free_loopback_port()}
    servers: dict[str, tuple[str, subprocess.Popen]] = {}

    def render_project(match: re.Match, block: Block) -> None:
        succeed(substitute(block, match.group(0), {"<template>": str(TEMPLATE_DIR)}), tmp_path, environment)

    def serve(match: re.Match, block: Block) -> None:
        folder, port = match.group(1), match.group(2)
        project = tmp_path / folder
        assert (project / "manage.py").is_file(), f"{block.where()}: nothing was rendered into {folder}/"
        served = with_virtualenv(clean_environment(), virtualenv_for(project))
        if "AUTH_SERVICE_URL" in read_env_file(project / ".env"):
            assert read_env_file(project / ".env")["AUTH_SERVICE_URL"] == "http://127.0.0.1:8001", "as the page says"
            served["AUTH_SERVICE_URL"] = f"http://127.0.0.1:{ports['8001']}"
        command = match.group(0).replace(f"runserver {port}", f"runserver 127.0.0.1:{ports[port]}")
        log = tmp_path / f"{folder}.log"
        process = start_in_background(command, tmp_path, served, log)
        servers[folder] = (f"http://127.0.0.1:{ports[port]}", process)
        wait_for_status(f"{servers[folder][0]}/health/", process, log, 120)

    try:
        for block in claimed_blocks("test_the_remote_split_commands_serve_an_auth_service_and_its_client"):
            for command in block.commands():
                dispatch(
                    block,
                    command,
                    [
                        (r"cookiecutter --no-input <template> .+", lambda match, b=block: render_project(match, b)),
                        (
                            r"cd (\w+) && python manage\.py migrate && python manage\.py runserver (\d+)",
                            lambda match, b=block: serve(match, b),
                        ),
                    ],
                )
        assert set(servers) == {"auth", "client"}, servers
        auth = tmp_path / "auth"
        code = (
            "from django.contrib.auth import get_user_model; "
            f"print(get_user_model().objects.create_user('grace@example.com', {PASSWORD!r}).pk)"
        )
        succeed(
            f"python manage.py shell --no-imports -c {shlex.quote(code)}",
            auth,
            with_virtualenv(clean_environment(), virtualenv_for(auth)),
        )
        login = post(
            servers["client"][0], "/api/auth/login/password/", {"email": "grace@example.com", "password": PASSWORD}
        )
        assert login.status == 200 and login.body["status"] == "complete", (
            login,
            (tmp_path / "client.log").read_text()[-3000:],
        )
        me = call(
            servers["client"][0], "GET", "/api/auth/me/", headers={"Authorization": f"Bearer {login.body['access']}"}
        )
        assert (me.status, me.body["email"]) == (200, "grace@example.com"), me
    finally:
        for _, process in servers.values():
            stop(process)


# --- docs/upgrading.md ----------------------------------------------------------------------------------------


def git_environment(environment: dict[str, str]) -> dict[str, str]:
    """git with a fixed identity and none of the developer's configuration."""
    return {
        **environment,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Docs Tests",
        "GIT_AUTHOR_EMAIL": "docs@example.com",
        "GIT_COMMITTER_NAME": "Docs Tests",
        "GIT_COMMITTER_EMAIL": "docs@example.com",
    }


@IN_THE_TEMPLATE_CHECKOUT
def test_the_upgrading_commands_create_check_diff_update_and_link(
    template_checkout: Path, tmp_path: Path, cookiecutter_config: Path
):
    # The tools as tests/requirements.txt pins them (cruft with a typer whose prompts work), first on PATH.
    environment = git_environment(cookiecutter_environment(cookiecutter_config))
    environment["PATH"] = f"{template_checkout / '.venv' / 'bin'}{os.pathsep}{environment['PATH']}"

    def git(directory: Path, arguments: str) -> str:
        return succeed(f"git {arguments}", directory, environment).strip()

    # The template, in a git repository whose URL says git (as the page's example URL does), tagged v0.1.0.
    template = copy_template(tmp_path / "gatehouse.git")
    git(template, "init --quiet --initial-branch main")
    git(template, "add --all")
    git(template, "commit --quiet --message 'The template as it is'")
    git(template, "tag v0.1.0")
    first_commit = git(template, "rev-parse HEAD")
    url = template.as_uri()
    values = {EXAMPLE_TEMPLATE_URL: url, "<commit>": first_commit, "<tag>": "v0.2.0"}

    def as_from_the_url(recorded: dict) -> dict:
        # cruft create records a file: URL as the path it names (cruft's resolve_template_url), where the hook keeps
        # the URL; an https URL such as the page's is recorded as it is by both.
        if recorded["template"] == str(template):
            recorded["template"] = recorded["context"]["cookiecutter"]["_template"] = url
        return recorded

    state: dict[str, Path] = {}  # "project": the project being upgraded
    start: list[str] = []  # the commit each way of updating starts from
    new_line = "# NEWER_TEMPLATE_SETTING=on"

    def create(match: re.Match, block: Block) -> None:
        output = tmp_path / match.group(1).replace(" ", "-")
        output.mkdir()
        succeed(substitute(block, match.group(0), values), output, environment, stdin=DEFAULT_REPLIES)
        project = only_project_in(output)
        recorded = as_from_the_url(json.loads((project / ".cruft.json").read_text()))
        assert (recorded["template"], recorded["commit"], recorded["checkout"]) == (url, first_commit, "v0.1.0")
        if "project" in state:
            earlier = as_from_the_url(json.loads((state["project"] / ".cruft.json").read_text()))
            assert recorded == earlier, "cookiecutter and cruft create write the same .cruft.json"
        else:
            state["project"] = project
        # The page: commit the project as rendered before changing anything.
        git(project, "init --quiet --initial-branch main")
        git(project, "add --all")
        git(project, "commit --quiet --message 'Render from the Gatehouse template'")

    def up_to_date(match: re.Match, block: Block) -> None:
        assert not start, f"{block.where()}: check and diff run before the template moves on"
        succeed(substitute(block, match.group(0), values), state["project"], environment)

    def switch_branch(match: re.Match, block: Block) -> None:
        # The template moves on: a new tag with a line added to a file the project left alone.
        with (template / "{{cookiecutter.project_slug}}" / ".env.example").open("a") as example:
            example.write(new_line + "\n")
        git(template, "commit --quiet --all --message 'A newer template'")
        git(template, "tag v0.2.0")
        succeed(substitute(block, match.group(0), values), state["project"], environment)
        start.append(git(state["project"], "rev-parse HEAD"))

    def update(match: re.Match, block: Block) -> None:
        project = state["project"]
        git(project, f"reset --quiet --hard {start[0]}")
        git(project, "clean --quiet --force -d")
        untracked = project / "notes.txt"
        if "--allow-untracked-files" in match.group(0):
            untracked.write_text("not committed yet\n")
        # The asking form shows the change and asks: the reader answers y (apply).
        succeed(substitute(block, match.group(0), values), project, environment, stdin="y\n")
        recorded = json.loads((project / ".cruft.json").read_text())
        assert recorded["commit"] == git(template, "rev-parse HEAD"), recorded
        assert (project / ".env.example").read_text().endswith(new_line + "\n"), "the template's change arrived"
        if "--allow-untracked-files" in match.group(0):
            assert untracked.read_text() == "not committed yet\n"
            untracked.unlink()

    def link(match: re.Match, block: Block) -> None:
        # A project from before .cruft.json: its answers in .cookiecutter.json, no .cruft.json.
        output = tmp_path / "before-cruft"
        output.mkdir()
        succeed(f"cookiecutter --no-input {shlex.quote(url)} --checkout v0.1.0", output, environment)
        project = only_project_in(output)
        answers = json.loads((project / ".cruft.json").read_text())["context"]["cookiecutter"]
        (project / ".cruft.json").unlink()
        saved = {name: value for name, value in answers.items() if not name.startswith("_")}
        (project / ".cookiecutter.json").write_text(json.dumps(saved, indent=2))
        succeed(substitute(block, match.group(0), values), project, environment)
        linked = as_from_the_url(json.loads((project / ".cruft.json").read_text()))
        assert (linked["template"], linked["commit"]) == (url, first_commit), linked
        assert {name: linked["context"]["cookiecutter"][name] for name in saved} == saved

    handlers = [
        (r"(cookiecutter|cruft create) \S+ --checkout v0\.1\.0( --skip \.env)?", create),
        (r"cruft (check|diff)( --checkout v0\.1\.0| --exit-code)?", up_to_date),
        (r"git switch -c template-<tag>", switch_branch),
        (r"cruft update --checkout <tag>( --skip-apply-ask| --allow-untracked-files)?", update),
        (r"cruft link \S+ --no-input --checkout <commit> --extra-context \"\$\(cat \.cookiecutter\.json\)\"", link),
    ]
    for block in claimed_blocks("test_the_upgrading_commands_create_check_diff_update_and_link"):
        for command in block.commands():
            dispatch(
                block,
                command,
                [(pattern, lambda match, h=handler, b=block: h(match, b)) for pattern, handler in handlers],
            )
    assert start, "the page updates a project to a newer tag"
