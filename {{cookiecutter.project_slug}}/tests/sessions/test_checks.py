"""The sessions app's system checks: rotation blacklists, and keys that can sign what they should."""

import pytest

{% if cookiecutter.signing_algorithm != "HS256" -%}
from {{ cookiecutter.project_slug }}.authn.keys import generate_private_key_pem, public_key_pem
{% endif -%}
from {{ cookiecutter.project_slug }}.sessions import checks


def ids_of(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.fixture
def simple_jwt(settings):
    """Change SIMPLE_JWT entries for one test: simple_jwt(AUDIENCE=None)."""

    def change(**entries) -> None:
        settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, **entries}

    return change


def test_rotation_without_blacklisting_is_refused(simple_jwt):
    simple_jwt(ROTATE_REFRESH_TOKENS=True, BLACKLIST_AFTER_ROTATION=False)
    assert ids_of(checks.check_rotation_blacklists()) == [checks.ROTATION_WITHOUT_BLACKLIST]


def test_a_missing_blacklist_app_is_refused(monkeypatch):
    monkeypatch.setattr(checks.apps, "is_installed", lambda app: app != checks.BLACKLIST_APP)
    assert ids_of(checks.check_rotation_blacklists()) == [checks.BLACKLIST_APP_MISSING]


{%- if cookiecutter.signing_algorithm == "HS256" %}


def test_a_short_hmac_key_is_refused(simple_jwt):
    simple_jwt(SIGNING_KEY="x" * 31)
    assert ids_of(checks.check_signing_key()) == [checks.HMAC_KEY_TOO_SHORT]


def test_an_hmac_key_equal_to_secret_key_is_refused(simple_jwt, settings):
    settings.SECRET_KEY = "s" * 50
    simple_jwt(SIGNING_KEY=settings.SECRET_KEY)
    assert ids_of(checks.check_signing_key()) == [checks.SIGNING_KEY_REUSED]
{%- endif %}


@pytest.mark.parametrize("empty", [None, ""])
def test_a_missing_signing_key_is_refused(empty, simple_jwt):
    simple_jwt(SIGNING_KEY=empty)
    assert ids_of(checks.check_signing_key()) == [checks.SIGNING_KEY_MISSING]
{%- if cookiecutter.signing_algorithm != "HS256" %}


def test_a_verifying_key_of_another_key_pair_is_refused(simple_jwt):
    other = generate_private_key_pem(checks.SIGNING_ALGORITHM, rsa_key_bits=2048)
    simple_jwt(VERIFYING_KEY=public_key_pem(other))
    assert ids_of(checks.check_signing_key()) == [checks.KEYS_NOT_USABLE]


def test_a_signing_key_of_the_wrong_type_is_refused(simple_jwt):
    wrong = generate_private_key_pem("{{ 'EdDSA' if cookiecutter.signing_algorithm == 'RS256' else 'RS256' }}", rsa_key_bits=2048)
    simple_jwt(SIGNING_KEY=wrong, VERIFYING_KEY=public_key_pem(wrong))
    assert ids_of(checks.check_signing_key()) == [checks.KEYS_NOT_USABLE]
{%- endif %}
{%- if cookiecutter.signing_algorithm == "RS256" %}


def test_a_short_rsa_key_is_refused(simple_jwt):
    short = generate_private_key_pem("RS256", rsa_key_bits=1024)
    simple_jwt(SIGNING_KEY=short, VERIFYING_KEY=public_key_pem(short))
    messages = checks.check_signing_key()
    assert ids_of(messages) == [checks.KEYS_NOT_USABLE]
    assert "1024 bits" in messages[0].msg
{%- endif %}
