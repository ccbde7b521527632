"""The prompts and the hooks: accepting every default never leads into a refusal; the pre-generation hook
refuses impossible answers with one line per problem, all in one run; the post-generation hook keeps only the
token transport the answers chose, and writes fresh secrets and signing keys to a git-ignored `.env`."""

from __future__ import annotations

import base64
import json
import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from harness.dotenv import pem_from_env_value, read_env_file
from harness.rendering import choices_by_prompt, prompts, run_cookiecutter

# Secrets shorter than this would be guessable; Django itself warns below 50 characters.
MINIMUM_SECRET_LENGTH = 50
ANSWERS_FILE = ".cruft.json"
# The signing algorithm that accepting the default gives each role: HS256 is refused outside standalone.
DEFAULT_SIGNING_ALGORITHM = {"standalone": "HS256", "auth_service": "RS256", "client_service": "RS256"}
# Three problems with three different prompts, and what the hook must say about each.
ANSWERS_WITH_THREE_PROBLEMS = {
    "email": "you-at-example.com",
    "auth_role": "auth_service",
    "signing_algorithm": "HS256",
    "use_password_login": "n",
    "use_email_code_login": "n",
    "use_password_then_email_code": "n",
}
REASONS_FOR_THE_THREE_PROBLEMS = (
    "email 'you-at-example.com' is not an email address",
    "auth_role=auth_service needs an asymmetric signing_algorithm",
    "At least one login scenario must be enabled",
)

REFUSED_ANSWERS = [
    pytest.param(
        {"project_slug": "my-api"},
        "project_slug 'my-api' must be a lowercase Python identifier",
        id="slug-that-is-no-python-identifier",
    ),
    pytest.param(
        {"project_slug": "a_package_name_too_long_for_its_imports"},
        "project_slug 'a_package_name_too_long_for_its_imports' is longer than 32 characters",
        id="slug-too-long",
    ),
    pytest.param(
        {"auth_role": "auth_service", "signing_algorithm": "HS256"},
        "auth_role=auth_service needs an asymmetric signing_algorithm",
        id="hs256-with-auth-service",
    ),
    pytest.param(
        {"auth_role": "client_service", "signing_algorithm": "HS256"},
        "auth_role=client_service needs an asymmetric signing_algorithm",
        id="hs256-with-client-service",
    ),
    pytest.param(
        {"use_password_login": "n", "use_email_code_login": "n", "use_password_then_email_code": "n"},
        "At least one login scenario must be enabled",
        id="no-login-scenario",
    ),
    pytest.param(
        {"email": "you-at-example.com"}, "email 'you-at-example.com' is not an email address", id="bad-email"
    ),
    pytest.param(
        {"timezone": "Mars/Olympus_Mons"},
        "timezone 'Mars/Olympus_Mons' is not an IANA time zone",
        id="bad-timezone",
    ),
    # A folder of the time zone database, which zoneinfo refuses with an OSError of its own.
    pytest.param({"timezone": "America"}, "timezone 'America' is not an IANA time zone", id="region-for-timezone"),
    pytest.param(
        {"signing_algorithm": "rs256"},
        "signing_algorithm 'rs256' must be one of HS256, RS256, EdDSA",
        id="unknown-signing-algorithm",
    ),
    pytest.param(
        {"project_name": 'The "Quoted" API', "project_slug": "quoted_api"},
        "project_name must be non-empty printable text without double quotes",
        id="double-quote-in-project-name",
    ),
]


@pytest.mark.parametrize(("answers", "reason"), REFUSED_ANSWERS)
def test_pre_gen_hook_refuses_impossible_answers_with_a_one_line_reason(
    answers: dict[str, str], reason: str, tmp_path: Path, cookiecutter_config: Path
):
    result = run_cookiecutter(answers, tmp_path, cookiecutter_config)
    assert result.returncode != 0, f"cookiecutter must fail for {answers}, it exited 0"
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(error_lines) == 1, f"The hook must print exactly one ERROR line, stderr was:\n{result.stderr}"
    assert reason in error_lines[0], f"The ERROR line must say {reason!r}, it says {error_lines[0]!r}"


def test_pre_gen_hook_names_every_problem_in_one_run(tmp_path: Path, cookiecutter_config: Path):
    result = run_cookiecutter(ANSWERS_WITH_THREE_PROBLEMS, tmp_path, cookiecutter_config)
    assert result.returncode != 0, "cookiecutter must refuse answers with three problems"
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    unnamed = [reason for reason in REASONS_FOR_THE_THREE_PROBLEMS if not any(reason in line for line in error_lines)]
    assert not unnamed, (
        f"One run must name every problem, each on its own ERROR line; missing {unnamed}:\n{result.stderr}"
    )
    assert len(error_lines) == len(REASONS_FOR_THE_THREE_PROBLEMS), (
        f"The hook must print one ERROR line per problem, stderr was:\n{result.stderr}"
    )


def test_pre_gen_hook_refuses_without_a_traceback(tmp_path: Path, cookiecutter_config: Path):
    result = run_cookiecutter({**ANSWERS_WITH_THREE_PROBLEMS, "timezone": "America"}, tmp_path, cookiecutter_config)
    assert result.returncode != 0, "cookiecutter must refuse these answers"
    # cookiecutter itself logs the failed hook with its own traceback on stdout; the hook's message is stderr.
    assert "Traceback" not in result.stderr, f"The hook's message must be reasons, not a traceback:\n{result.stderr}"
    assert all(line.startswith("ERROR: ") for line in result.stderr.splitlines()), (
        f"Every line the hook prints must be one problem:\n{result.stderr}"
    )


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"email": "not an email"}, id="one-problem"),
        pytest.param(ANSWERS_WITH_THREE_PROBLEMS, id="three-problems"),
    ],
)
def test_refused_answers_leave_no_project_behind(answers: dict[str, str], tmp_path: Path, cookiecutter_config: Path):
    # cookiecutter makes the project folder before the pre-generation hook runs, and removes it when the hook fails.
    result = run_cookiecutter(answers, tmp_path, cookiecutter_config)
    assert result.returncode != 0, f"cookiecutter must refuse {answers}"
    assert list(tmp_path.iterdir()) == [], "A refused render must leave no project folder, and no file, behind"


def replies_choosing(**chosen: str) -> list[str]:
    """What a user types to cookiecutter's questions: the number of each choice in `chosen`, its text for a text
    prompt, and an empty line (the default) for every other question."""
    replies = []
    for prompt, value in prompts().items():
        if prompt not in chosen:
            replies.append("")
        elif isinstance(value, list):
            replies.append(str(value.index(chosen[prompt]) + 1))
        else:
            replies.append(chosen[prompt])
    return replies


def rendered_answers(output_dir: Path) -> dict[str, str]:
    """The answers saved in the one project a render wrote into `output_dir`."""
    projects = [path for path in output_dir.iterdir() if path.is_dir()]
    assert len(projects) == 1, f"The render must write one project folder into {output_dir}, it wrote {projects}"
    return json.loads((projects[0] / ANSWERS_FILE).read_text())["context"]["cookiecutter"]


@pytest.mark.parametrize("auth_role", choices_by_prompt()["auth_role"])
def test_accepting_every_default_after_any_auth_role_renders(
    auth_role: str, tmp_path: Path, cookiecutter_config: Path
):
    result = run_cookiecutter({}, tmp_path, cookiecutter_config, replies=replies_choosing(auth_role=auth_role))
    assert result.returncode == 0, (
        f"Choosing auth_role={auth_role} and accepting every other default must render:\n{result.stderr}"
    )
    answers = rendered_answers(tmp_path)
    assert answers["auth_role"] == auth_role, f"The typed auth_role must be rendered, got {answers['auth_role']}"
    assert answers["signing_algorithm"] == DEFAULT_SIGNING_ALGORITHM[auth_role], (
        f"The default signing_algorithm after auth_role={auth_role} must be {DEFAULT_SIGNING_ALGORITHM[auth_role]}"
    )


def test_accepting_the_last_login_scenario_after_declining_the_others_renders(
    tmp_path: Path, cookiecutter_config: Path
):
    replies = replies_choosing(use_password_login="n", use_email_code_login="n")
    result = run_cookiecutter({}, tmp_path, cookiecutter_config, replies=replies)
    assert result.returncode == 0, (
        f"Declining two login scenarios and accepting the third must render:\n{result.stderr}"
    )
    assert rendered_answers(tmp_path)["use_password_then_email_code"] == "y", (
        "With the other two scenarios declined, the default of use_password_then_email_code must be y"
    )


@pytest.mark.parametrize("auth_role", ["auth_service", "client_service"])
def test_non_standalone_role_without_a_signing_algorithm_renders_rs256(
    auth_role: str, tmp_path: Path, cookiecutter_config: Path
):
    result = run_cookiecutter({"auth_role": auth_role}, tmp_path, cookiecutter_config)
    assert result.returncode == 0, (
        f"auth_role={auth_role} with the default signing_algorithm must render:\n{result.stderr}"
    )
    assert rendered_answers(tmp_path)["signing_algorithm"] == "RS256", (
        f"The default signing_algorithm of auth_role={auth_role} must be RS256, which the hook accepts"
    )


def test_env_file_holds_a_fresh_django_secret_key(render_answers):
    variables = read_env_file(render_answers() / ".env")
    assert len(variables.get("DJANGO_SECRET_KEY", "")) >= MINIMUM_SECRET_LENGTH, (
        f".env must hold a DJANGO_SECRET_KEY of at least {MINIMUM_SECRET_LENGTH} characters"
    )


def test_env_file_is_readable_by_its_owner_only(render_answers):
    mode = stat.S_IMODE((render_answers() / ".env").stat().st_mode)
    assert mode == 0o600, f".env holds secrets and must be mode 600, it is {oct(mode)}"


def test_env_file_is_ignored_by_git(render_answers):
    project = render_answers()
    subprocess.run(["git", "init", "--quiet"], cwd=project, check=True)
    ignored = subprocess.run(["git", "check-ignore", "--quiet", ".env"], cwd=project, check=False)
    assert ignored.returncode == 0, "The render's .gitignore must keep .env (the secrets) out of git"


def test_hs256_env_file_holds_a_signing_key_apart_from_the_secret_key(render_answers):
    variables = read_env_file(render_answers(auth_role="standalone", signing_algorithm="HS256") / ".env")
    signing_key = variables.get("JWT_SIGNING_KEY", "")
    assert len(signing_key) >= MINIMUM_SECRET_LENGTH, "HS256 needs a long JWT_SIGNING_KEY in .env"
    assert signing_key != variables["DJANGO_SECRET_KEY"], "JWT_SIGNING_KEY must not reuse DJANGO_SECRET_KEY"
    assert "JWT_PRIVATE_KEY" not in variables, "HS256 signs with a shared secret: no JWT_PRIVATE_KEY"


@pytest.mark.parametrize(
    ("auth_role", "algorithm", "key_type"),
    [
        pytest.param("standalone", "RS256", rsa.RSAPrivateKey, id="standalone-RS256"),
        pytest.param("auth_service", "RS256", rsa.RSAPrivateKey, id="auth-service-RS256"),
        pytest.param("auth_service", "EdDSA", ed25519.Ed25519PrivateKey, id="auth-service-EdDSA"),
    ],
)
def test_asymmetric_env_file_holds_a_pem_private_key_of_the_algorithm(render_answers, auth_role, algorithm, key_type):
    variables = read_env_file(render_answers(auth_role=auth_role, signing_algorithm=algorithm) / ".env")
    assert "JWT_PRIVATE_KEY" in variables, f"{algorithm} needs a JWT_PRIVATE_KEY in .env"
    key = load_pem_private_key(pem_from_env_value(variables["JWT_PRIVATE_KEY"]), password=None)
    assert isinstance(key, key_type), f"{algorithm} needs a {key_type.__name__}, .env holds a {type(key).__name__}"
    assert "JWT_SIGNING_KEY" not in variables, f"{algorithm} signs with a private key: no JWT_SIGNING_KEY"


def test_client_service_env_file_holds_no_signing_key(render_answers):
    variables = read_env_file(render_answers(auth_role="client_service", signing_algorithm="EdDSA") / ".env")
    signing_variables = {"JWT_SIGNING_KEY", "JWT_PRIVATE_KEY"} & set(variables)
    assert not signing_variables, f"A client service only verifies tokens; its .env must not hold {signing_variables}"


def test_client_service_env_file_points_at_a_local_auth_service(render_answers):
    variables = read_env_file(render_answers(auth_role="client_service", signing_algorithm="EdDSA") / ".env")
    assert variables.get("AUTH_SERVICE_URL") == "http://127.0.0.1:8001", (
        "A client service reads its keys from the auth service's JWKS: .env must name a local auth service"
    )
    assert "JWT_PUBLIC_KEYS" not in variables, "A client service holds no key of its own, not even a public one"


# The modules of authn/transports/ that each token_transport answer keeps: `both` composes the other two.
HEADER_TRANSPORT_MODULES = {"header.py"}
COOKIE_TRANSPORT_MODULES = {"cookie.py", "cookies.py", "csrf.py", "csrf_views.py", "cookie_checks.py"}
TRANSPORT_MODULES = {
    "header": {"base.py", *HEADER_TRANSPORT_MODULES},
    "cookie": {"base.py", *COOKIE_TRANSPORT_MODULES},
    "both": {"base.py", "both.py", *HEADER_TRANSPORT_MODULES, *COOKIE_TRANSPORT_MODULES},
}
# The tests of one transport's behaviour, and the answers whose renders keep them.
TRANSPORT_TESTS = {
    "tests/authn/test_header_transport.py": {"header"},
    "tests/authn/test_cookie_checks.py": {"cookie", "both"},
    "tests/authn/test_cookie_transport.py": {"cookie", "both"},
    "tests/authn/test_header_or_cookie_transport.py": {"both"},
}


@pytest.mark.parametrize(
    ("auth_role", "token_transport"),
    [("standalone", "header"), ("standalone", "cookie"), ("standalone", "both"), ("client_service", "both")],
)
def test_a_render_keeps_only_the_modules_and_tests_of_its_token_transport(
    render_answers, auth_role: str, token_transport: str
):
    project = render_answers(
        auth_role=auth_role, token_transport=token_transport, signing_algorithm=DEFAULT_SIGNING_ALGORITHM[auth_role]
    )
    package = json.loads((project / ANSWERS_FILE).read_text())["context"]["cookiecutter"]["project_slug"]
    transports = project / package / "authn" / "transports"
    kept = {path.name for path in transports.glob("*.py")} - {"__init__.py"}
    assert kept == TRANSPORT_MODULES[token_transport], f"token_transport={token_transport} keeps {sorted(kept)}"
    for test_file, answers in TRANSPORT_TESTS.items():
        assert (project / test_file).exists() == (token_transport in answers), (
            f"{test_file} goes with token_transport={' or '.join(sorted(answers))}"
        )
    removed = {path.removesuffix(".py") for path in TRANSPORT_MODULES["both"] - kept}
    for source in project.rglob("*.py"):
        imports = [line for line in source.read_text().splitlines() if line.lstrip().startswith(("from ", "import "))]
        named = [
            module for module in removed for line in imports if f"transports.{module}" in line or f".{module} " in line
        ]
        assert not named, f"{source.relative_to(project)} imports the removed transport modules {named}"
    settings = (project / "config" / "settings" / "base.py").read_text()
    named = [module for module in removed if f"transports.{module}." in settings]
    assert not named, f"the settings name the removed transport modules {named}"


# What only a service that holds passwords and issues tokens has: no client_service file may name any of it.
ISSUING_NAMES = (
    "token_blacklist",  # simplejwt's outstanding and blacklisted tokens: its tables
    "OutboxEmail",
    "RefreshFamily",
    "ScenarioRunner",
    "issue_tokens",
    "rotate_refresh_token",
    "blacklist_refresh_token",
    "activation_token_generator",
    "password_reset_token_generator",
    "queue_login_code",
)


def test_a_client_service_holds_no_registration_password_outbox_scenario_or_refresh_code(render_answers):
    project = render_answers(auth_role="client_service", signing_algorithm="EdDSA", token_transport="both")
    package = json.loads((project / ANSWERS_FILE).read_text())["context"]["cookiecutter"]["project_slug"]
    present = [app for app in ("login", "sessions", "accounts", "mail") if (project / package / app).exists()]
    assert not present, f"a client_service holds no passwords and issues no tokens, yet has the apps {present}"
    templates = sorted(str(path.relative_to(project)) for path in project.rglob("templates") if path.is_dir())
    assert not templates, f"a client_service sends no email, yet has the template folders {templates}"
    named = sorted(
        f"{source.relative_to(project)}: {name}"
        for source in project.rglob("*")
        if source.is_file() and source.suffix in {".py", ".toml", ".yaml", ".yml", ".md"}
        for name in ISSUING_NAMES
        if name in source.read_text()
    )
    assert not named, "a client_service must not name what issues tokens or holds passwords:\n" + "\n".join(named)


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"use_social_login": "y", "auth_role": "client_service", "signing_algorithm": "RS256"},
    ],
    ids=["use_social_login=n", "client_service"],
)
def test_a_render_without_social_login_holds_no_social_app(render_answers, answers):
    project = render_answers(**answers)
    package = json.loads((project / ANSWERS_FILE).read_text())["context"]["cookiecutter"]["project_slug"]
    assert not (project / package / "social").exists(), "the social app goes whole"
    assert not (project / "tests" / "social").exists(), "its tests go with it"
    for settings_or_urls in ("config/settings/base.py", "config/urls.py"):
        assert ".social" not in (project / settings_or_urls).read_text(), f"{settings_or_urls} names the social app"


def test_a_render_with_social_login_installs_and_routes_the_social_app(render_answers):
    project = render_answers(use_social_login="y")
    package = json.loads((project / ANSWERS_FILE).read_text())["context"]["cookiecutter"]["project_slug"]
    assert (project / package / "social" / "apps.py").exists()
    assert (project / "tests" / "social" / "test_identities.py").exists()
    assert f'"{package}.social",' in (project / "config/settings/base.py").read_text()
    assert f'include("{package}.social.urls")' in (project / "config/urls.py").read_text()
# What only the mfa app has: a render without it names none of it.
MFA_NAMES = (".mfa", "tests/mfa", "PasskeyScenario", "TOTPDevice", "pyotp.", "webauthn.")


def names_in(project: Path, names: tuple[str, ...]) -> list[str]:
    """`file: name` for each of `names` that a text file of the render holds."""
    return sorted(
        f"{source.relative_to(project)}: {name}"
        for source in project.rglob("*")
        if source.is_file() and source.suffix in {".py", ".toml", ".yaml", ".yml", ".md", ".example"}
        for name in names
        if name in source.read_text()
    )


@pytest.mark.parametrize("answers", [{"use_mfa": "n"}, {"auth_role": "client_service", "signing_algorithm": "EdDSA"}])
def test_a_render_without_second_factors_has_no_mfa_app(render_answers, answers):
    project = render_answers(**answers)
    package = json.loads((project / ANSWERS_FILE).read_text())["context"]["cookiecutter"]["project_slug"]
    assert not (project / package / "mfa").exists(), f"{answers}: the mfa app must be deleted"
    assert not (project / "tests" / "mfa").exists(), f"{answers}: the mfa tests must be deleted"
    assert "MFA_ENCRYPTION_KEYS" not in read_env_file(project / ".env"), f"{answers}: .env holds no MFA key"
    settings = [path.name for path in (project / "config" / "settings").glob("*.py") if "MFA_" in path.read_text()]
    assert not settings, f"{answers}: settings that name the mfa app's variables: {settings}"
    assert not names_in(project, MFA_NAMES), f"{answers}: a render without the mfa app names it"


@pytest.mark.parametrize(
    "answers", [{"use_account_pages": "n"}, {"auth_role": "client_service", "signing_algorithm": "EdDSA"}]
)
def test_a_render_without_account_pages_has_no_pages_app(render_answers, answers):
    project = render_answers(**answers)
    package = json.loads((project / ANSWERS_FILE).read_text())["context"]["cookiecutter"]["project_slug"]
    assert not (project / package / "pages").exists(), f"{answers}: the pages app must be deleted"
    assert not (project / "tests" / "pages").exists(), f"{answers}: the pages tests must be deleted"
    assert not names_in(project, (".pages", "DJANGO_SERVE_ADDRESS =")), f"{answers}: a render without pages names them"


def test_a_render_with_second_factors_holds_a_fresh_encryption_key(render_answers):
    project = render_answers(use_mfa="y")
    key = read_env_file(project / ".env")["MFA_ENCRYPTION_KEYS"]
    assert len(base64.urlsafe_b64decode(key)) == 32, ".env must hold a Fernet key (32 bytes, urlsafe base64)"
