"""A client service holds no signing key and verifies with its auth service's JWKS: the checks say so."""

from {{ cookiecutter.project_slug }}.remote import checks


def ids_of(messages) -> list[str]:
    return [message.id for message in messages]


def test_a_client_service_holding_a_signing_key_is_refused(settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "SIGNING_KEY": settings.TEST_JWT_SIGNING_KEY}
    assert ids_of(checks.check_no_signing_key()) == [checks.CLIENT_HOLDS_SIGNING_KEY]


def test_a_client_service_without_a_jwks_client_is_refused(settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "JWKS_CLIENT": None}
    assert ids_of(checks.check_no_signing_key()) == [checks.KEYS_NOT_USABLE]
