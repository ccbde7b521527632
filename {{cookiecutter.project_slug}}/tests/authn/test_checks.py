"""The system checks refuse inconsistent authentication settings, each with its own id."""

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from {{ cookiecutter.project_slug }}.authn import checks
from {{ cookiecutter.project_slug }}.authn.keys import generate_private_key_pem, public_key_pem

HMAC = checks.RENDERED_ALGORITHM == "HS256"
CLIENT = checks.AUTH_ROLE == "client_service"
only_hmac = pytest.mark.skipif(not HMAC, reason="this project signs with a key pair, not HS256")
only_key_pair_issuer = pytest.mark.skipif(HMAC or CLIENT, reason="this project does not sign with a key pair")
only_issuer = pytest.mark.skipif(CLIENT, reason="a client service holds no signing key")
only_client = pytest.mark.skipif(not CLIENT, reason="this project issues its own tokens")


def ids_of(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.fixture
def simple_jwt(settings):
    """Change SIMPLE_JWT entries for one test: simple_jwt(AUDIENCE=None)."""

    def change(**entries) -> None:
        settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, **entries}

    return change


@pytest.fixture
def gatehouse(settings):
    """Change GATEHOUSE entries for one test: gatehouse(TOKEN_USER_SOURCE="cache")."""

    def change(**entries) -> None:
        settings.GATEHOUSE = {**settings.GATEHOUSE, **entries}

    return change


def test_the_project_settings_pass_every_check():
    call_command("check", fail_level="WARNING")
    assert [message for message in run_checks() if message.id.startswith("gatehouse.")] == []


def test_an_unknown_endpoint_name_is_refused(gatehouse):
    gatehouse(ENABLED_ENDPOINTS=["me", "token-refesh"])
    messages = checks.check_enabled_endpoints()
    assert ids_of(messages) == [checks.UNKNOWN_ENDPOINT]
    assert "'token-refesh'" in messages[0].msg


def test_an_unknown_token_user_source_is_refused(gatehouse):
    gatehouse(TOKEN_USER_SOURCE="cache")
    assert ids_of(checks.check_token_user_source()) == [checks.UNKNOWN_USER_SOURCE]


def test_rotation_without_blacklisting_is_refused(simple_jwt):
    simple_jwt(ROTATE_REFRESH_TOKENS=True, BLACKLIST_AFTER_ROTATION=False)
    assert ids_of(checks.check_rotation_blacklists()) == [checks.ROTATION_WITHOUT_BLACKLIST]


def test_a_missing_blacklist_app_is_refused(monkeypatch):
    monkeypatch.setattr(checks.apps, "is_installed", lambda app: app != checks.BLACKLIST_APP)
    assert ids_of(checks.check_rotation_blacklists()) == [checks.BLACKLIST_APP_MISSING]


def test_a_missing_audience_is_refused(simple_jwt):
    simple_jwt(AUDIENCE=None)
    assert ids_of(checks.check_audience_and_issuer()) == [checks.AUDIENCE_MISSING]


def test_a_missing_issuer_is_refused(simple_jwt):
    simple_jwt(ISSUER="")
    assert ids_of(checks.check_audience_and_issuer()) == [checks.ISSUER_MISSING]


@pytest.mark.parametrize(
    "algorithm", sorted({"HS256", "RS256", "EdDSA", "HS512", "none"} - {checks.RENDERED_ALGORITHM})
)
def test_an_algorithm_other_than_the_generated_one_is_refused(algorithm, simple_jwt):
    simple_jwt(ALGORITHM=algorithm)
    assert ids_of(checks.check_algorithm()) == [checks.UNEXPECTED_ALGORITHM]


@only_hmac
def test_a_short_hmac_key_is_refused(simple_jwt):
    simple_jwt(SIGNING_KEY="x" * 31)
    assert ids_of(checks.check_signing_keys()) == [checks.HMAC_KEY_TOO_SHORT]


@only_hmac
def test_an_hmac_key_equal_to_secret_key_is_refused(simple_jwt, settings):
    settings.SECRET_KEY = "s" * 50
    simple_jwt(SIGNING_KEY=settings.SECRET_KEY)
    assert ids_of(checks.check_signing_keys()) == [checks.SIGNING_KEY_REUSED]


@only_issuer
@pytest.mark.parametrize("empty", [None, ""])
def test_a_missing_signing_key_is_refused(empty, simple_jwt):
    simple_jwt(SIGNING_KEY=empty)
    assert ids_of(checks.check_signing_keys()) == [checks.SIGNING_KEY_MISSING]


@only_key_pair_issuer
def test_a_verifying_key_of_another_key_pair_is_refused(simple_jwt):
    other = generate_private_key_pem(checks.RENDERED_ALGORITHM, rsa_key_bits=2048)
    simple_jwt(VERIFYING_KEY=public_key_pem(other))
    assert ids_of(checks.check_signing_keys()) == [checks.KEYS_NOT_USABLE]


@only_key_pair_issuer
def test_a_signing_key_of_the_wrong_type_is_refused(simple_jwt):
    wrong = generate_private_key_pem("EdDSA" if checks.RENDERED_ALGORITHM == "RS256" else "RS256", rsa_key_bits=2048)
    simple_jwt(SIGNING_KEY=wrong, VERIFYING_KEY=public_key_pem(wrong))
    assert ids_of(checks.check_signing_keys()) == [checks.KEYS_NOT_USABLE]


@pytest.mark.skipif(checks.RENDERED_ALGORITHM != "RS256" or CLIENT, reason="only RS256 keys have a size to check")
def test_a_short_rsa_key_is_refused(simple_jwt):
    short = generate_private_key_pem("RS256", rsa_key_bits=1024)
    simple_jwt(SIGNING_KEY=short, VERIFYING_KEY=public_key_pem(short))
    messages = checks.check_signing_keys()
    assert ids_of(messages) == [checks.KEYS_NOT_USABLE]
    assert "1024 bits" in messages[0].msg


@only_client
def test_a_client_service_holding_a_signing_key_is_refused(simple_jwt, settings):
    simple_jwt(SIGNING_KEY=settings.TEST_JWT_SIGNING_KEY)
    assert ids_of(checks.check_signing_keys()) == [checks.CLIENT_HOLDS_SIGNING_KEY]


@only_client
def test_a_client_service_without_a_jwks_client_is_refused(gatehouse):
    gatehouse(JWKS_CLIENT=None)
    assert ids_of(checks.check_signing_keys()) == [checks.KEYS_NOT_USABLE]
