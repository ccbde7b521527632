"""The tests' software authenticator, checked against py_webauthn's own verification: the passkey tests trust it."""

import json

import pytest
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import InvalidAuthenticationResponse

from .authenticator import ORIGIN, SoftwareAuthenticator

RP_ID = "testserver"


def registered() -> tuple[SoftwareAuthenticator, object]:
    authenticator = SoftwareAuthenticator()
    options = generate_registration_options(rp_id=RP_ID, rp_name="Test", user_name="user@example.com")
    credential = authenticator.create(json.loads(options_to_json(options)))
    verified = verify_registration_response(
        credential=credential, expected_challenge=options.challenge, expected_rp_id=RP_ID, expected_origin=ORIGIN
    )
    return authenticator, verified


def test_its_registration_passes_webauthn_verification():
    authenticator, verified = registered()
    assert verified.credential_id == authenticator.credential_id
    assert verified.sign_count == 0
    assert verified.user_verified


def test_its_assertions_pass_webauthn_verification_and_count_up():
    authenticator, verified = registered()
    options = generate_authentication_options(rp_id=RP_ID)
    assertion = authenticator.get(json.loads(options_to_json(options)))
    result = verify_authentication_response(
        credential=assertion,
        expected_challenge=options.challenge,
        expected_rp_id=RP_ID,
        expected_origin=ORIGIN,
        credential_public_key=verified.credential_public_key,
        credential_current_sign_count=0,
        require_user_verification=True,
    )
    assert result.new_sign_count == 1


def test_an_assertion_signed_by_another_key_fails_webauthn_verification():
    _, verified = registered()
    impostor = SoftwareAuthenticator()
    options = generate_authentication_options(rp_id=RP_ID)
    with pytest.raises(InvalidAuthenticationResponse):
        verify_authentication_response(
            credential=impostor.get(json.loads(options_to_json(options))),
            expected_challenge=options.challenge,
            expected_rp_id=RP_ID,
            expected_origin=ORIGIN,
            credential_public_key=verified.credential_public_key,
            credential_current_sign_count=0,
        )
