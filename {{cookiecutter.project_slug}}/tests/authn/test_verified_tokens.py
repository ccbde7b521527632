"""Each process remembers the access tokens it has verified (authn/tokens.py, VerifiedTokens), for a short time.

A token sent again, byte for byte, is not decoded and its signature not checked again
within GATEHOUSE["VERIFIED_ACCESS_TOKEN_TTL"]; everything else about it is checked on
every request, its expiry first.
"""

from datetime import timedelta

import jwt
import pytest
from rest_framework_simplejwt import tokens as simplejwt_tokens
from rest_framework_simplejwt.utils import aware_utcnow

from {{ cookiecutter.project_slug }}.authn.tokens import AccessToken, get_token_backend

from ..factories import UserFactory
from ..tokens import authenticated
from .whoami_urls import WHOAMI_URL, with_whoami

pytestmark = [pytest.mark.django_db, with_whoami]


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    """The tokens PyJWT decodes from now on (each call still decodes: this only counts them)."""
    calls: list[str] = []
    decode = jwt.decode

    def counted(token, *args, **kwargs):
        calls.append(token)
        return decode(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)
    return calls


def test_a_token_sent_again_is_decoded_once(api_client, make_access_token, decodes):
    token = make_access_token(UserFactory())
    for _ in range(3):
        assert api_client.get(WHOAMI_URL, **authenticated(token)).status_code == 200
    assert len(decodes) == 1, "a process verifies one token once within VERIFIED_ACCESS_TOKEN_TTL"


def test_a_remembered_token_is_refused_once_it_has_expired(api_client, make_access_token, monkeypatch):
    token = make_access_token(UserFactory())
    assert api_client.get(WHOAMI_URL, **authenticated(token)).status_code == 200
    later = aware_utcnow() + timedelta(days=1)
    monkeypatch.setattr(simplejwt_tokens, "aware_utcnow", lambda: later)
    response = api_client.get(WHOAMI_URL, **authenticated(token))
    assert response.status_code == 401, "the expiry is checked on every request, remembered or not"


def test_a_token_differing_by_one_character_from_a_remembered_one_is_refused(api_client, make_access_token):
    token = make_access_token(UserFactory())
    assert api_client.get(WHOAMI_URL, **authenticated(token)).status_code == 200
    head, _, signature = token.rpartition(".")
    forged = f"{head}.{signature[:-2]}{'A' if signature[-2] != 'A' else 'B'}{signature[-1]}"
    response = api_client.get(WHOAMI_URL, **authenticated(forged))
    assert response.status_code == 401, "only the very text that was verified is remembered"


def test_a_token_is_verified_again_once_the_ttl_has_passed(api_client, make_access_token, decodes, monkeypatch):
    token = make_access_token(UserFactory())
    assert api_client.get(WHOAMI_URL, **authenticated(token)).status_code == 200
    # The backend the access tokens' class verifies with.
    verified = get_token_backend(AccessToken.jose_type, AccessToken.audience_suffix).verified
    now = verified.clock()
    monkeypatch.setattr(verified, "clock", lambda: now + verified.ttl)
    assert api_client.get(WHOAMI_URL, **authenticated(token)).status_code == 200
    assert len(decodes) == 2


def test_with_no_ttl_every_request_verifies_its_token(api_client, make_access_token, decodes, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "VERIFIED_ACCESS_TOKEN_TTL": timedelta(0)}
    token = make_access_token(UserFactory())
    for _ in range(3):
        assert api_client.get(WHOAMI_URL, **authenticated(token)).status_code == 200
    assert len(decodes) == 3
