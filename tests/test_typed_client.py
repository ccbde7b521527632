"""A typed client generated from the served schema tells an invalid token and a locked account by their codes.

A default render is served by gunicorn on loopback. openapi-python-client generates a Python client from
the OpenAPI schema it serves; a small program using that client asks `me/` with an expired token and with
a token that is not a JWT (each a 401 whose typed code is `token_not_valid`), then logs in with a wrong
password until the account is locked (401 `invalid_credentials`, then 429 `locked_out` with Retry-After),
all by the client's own models and enums. The program passes mypy --strict against the client's types (the
generator's own modules are its business: their errors are not reported), so a schema whose codes or unions a
client cannot type fails here.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from harness.processes import clean_environment, describe, run
from harness.serving import EMAIL, PASSWORD, send, served

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "gatehouse_client"
# More than GATEHOUSE["LOCKOUT_ACCOUNT_THRESHOLD"] by default: the program stops at the first lockout.
MAX_WRONG_PASSWORDS = 30
PROGRAM = textwrap.dedent(
    f'''\
    """Handles the API's refusals by their typed codes, as an application would."""

    from __future__ import annotations

    import json
    import sys

    from {PACKAGE} import AuthenticatedClient, Client
    from {PACKAGE}.api.auth import auth_login_password_create, auth_me_retrieve
    from {PACKAGE}.models.auth_login_create_error_401 import AuthLoginCreateError401
    from {PACKAGE}.models.auth_login_create_error_401_code import AuthLoginCreateError401Code
    from {PACKAGE}.models.auth_login_create_error_429 import AuthLoginCreateError429
    from {PACKAGE}.models.auth_login_create_error_429_code import AuthLoginCreateError429Code
    from {PACKAGE}.models.auth_me_retrieve_error_401 import AuthMeRetrieveError401
    from {PACKAGE}.models.auth_me_retrieve_error_401_code import AuthMeRetrieveError401Code
    from {PACKAGE}.models.login_complete import LoginComplete
    from {PACKAGE}.models.login_step_password_credentials import LoginStepPasswordCredentials
    from {PACKAGE}.models.user import User


    def session_state(base_url: str, token: str) -> str:
        """What the application does with `token`: carry on, or send the user to log in again."""
        answer = auth_me_retrieve.sync(client=AuthenticatedClient(base_url=base_url, token=token))
        if isinstance(answer, User):
            return "signed in"
        if isinstance(answer, AuthMeRetrieveError401) and any(
            error.code is AuthMeRetrieveError401Code.TOKEN_NOT_VALID for error in answer.errors
        ):
            return "log in again"
        return f"unexpected: {{answer!r}}"


    def log_in(base_url: str, email: str, password: str) -> str:
        """One password login, told by the answer's type and code."""
        body = LoginStepPasswordCredentials(email=email, password=password)
        response = auth_login_password_create.sync_detailed(client=Client(base_url=base_url), body=body)
        answer = response.parsed
        if isinstance(answer, LoginComplete):
            return "complete"
        if isinstance(answer, AuthLoginCreateError401) and any(
            error.code is AuthLoginCreateError401Code.INVALID_CREDENTIALS for error in answer.errors
        ):
            return "wrong password"
        if isinstance(answer, AuthLoginCreateError429) and any(
            error.code is AuthLoginCreateError429Code.LOCKED_OUT for error in answer.errors
        ):
            return f"locked out for {{int(response.headers['Retry-After'])}} s"
        return f"unexpected: {{response.status_code}} {{answer!r}}"


    def main() -> None:
        base_url, expired_token = sys.argv[1], sys.argv[2]
        report: dict[str, object] = {{
            "expired token": session_state(base_url, expired_token),
            "not a token": session_state(base_url, "not-a-jwt"),
            "login": log_in(base_url, "{EMAIL}", "{PASSWORD}"),
        }}
        attempts = []
        for _ in range({MAX_WRONG_PASSWORDS}):
            attempts.append(log_in(base_url, "{EMAIL}", "not the password"))
            if attempts[-1].startswith("locked out"):
                break
        report["wrong passwords"] = attempts
        print(json.dumps(report))


    if __name__ == "__main__":
        main()
    '''
)


def expired_access_token(deployment) -> str:
    """An access token of the served user, signed by the render, that expired a minute ago."""
    return deployment.shell(
        "from datetime import timedelta; from django.contrib.auth import get_user_model; "
        f"from {deployment.slug}.authn.tokens import AccessToken; "
        f"token = AccessToken.for_user(get_user_model().objects.get(email={EMAIL!r})); "
        "token.set_exp(lifetime=-timedelta(minutes=1)); print(token)"
    )


def test_a_generated_client_handles_an_expired_token_and_a_lockout_by_their_typed_codes(
    tmp_path_factory, cookiecutter_config
):
    folder = tmp_path_factory.mktemp("typed-client")
    environment = clean_environment(
        NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost"
    )
    # The generator formats its output with ruff, which sits beside it.
    environment["PATH"] = f"{GENERATOR.parent}:{environment.get('PATH', '')}"
    with served(tmp_path_factory, cookiecutter_config, "typed-client", {}) as (
        url,
        deployment,
    ):
        status, schema, _ = send(f"{url}/api/schema/?format=json", "GET")
        assert status == 200, schema
        (folder / "openapi.json").write_text(json.dumps(schema))
        generate = [
            GENERATOR,
            "generate",
            "--path",
            "openapi.json",
            "--meta",
            "none",
            "--output-path",
            PACKAGE,
        ]
        result = run(generate, cwd=folder, environment=environment)
        assert result.returncode == 0, describe(result)
        assert "Warning" not in result.stdout, (
            f"the client is missing parts of the schema:\n{describe(result)}"
        )
        (folder / "program.py").write_text(PROGRAM)
        result = run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--follow-imports=silent",
                "program.py",
            ],
            cwd=folder,
            environment=environment,
        )
        assert result.returncode == 0, describe(result)
        result = run(
            [sys.executable, "program.py", url, expired_access_token(deployment)],
            cwd=folder,
            environment=environment,
        )
        assert result.returncode == 0, describe(result)
        report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["expired token"] == "log in again", report
    assert report["not a token"] == "log in again", report
    assert report["login"] == "complete", report
    *refused, locked = report["wrong passwords"]
    assert refused, report
    assert set(refused) == {"wrong password"}, report
    assert locked.startswith("locked out for "), report
