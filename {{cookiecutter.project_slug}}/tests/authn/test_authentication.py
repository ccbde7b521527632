"""Requests authenticate with an access token; every bad token is a 401 `token_not_valid`.

The hostile tokens follow SECURITY.md section F and run against `me/`. The query-count
tests use an ordinary endpoint (`whoami/`, in whoami_urls.py), like any a project adds.
"""

import base64
{%- if cookiecutter.signing_algorithm != "HS256" %}
import hashlib
import hmac
{%- endif %}
import json
import time

import jwt
import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.authn.errors import NOT_AUTHENTICATED, TOKEN_NOT_VALID
{%- if cookiecutter.signing_algorithm != "HS256" %}
from {{ cookiecutter.project_slug }}.authn.keys import generate_private_key_pem, public_key_pem
{%- endif %}

from ..factories import UserFactory
from ..tokens import OMIT, authenticated, b64url
from .whoami_urls import with_whoami

pytestmark = pytest.mark.django_db

ME_URL = "/api/auth/me/"


def assert_refused(response, code=TOKEN_NOT_VALID):
    assert response.status_code == 401, response.content
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"] == [
        {"code": code, "detail": response.json()["errors"][0]["detail"], "attr": None}
    ]


def signed_as_is(payload: bytes) -> str:
    """`payload` signed with the test key exactly as given (PyJWT's encode() accepts only well-formed claims)."""
    return jwt.PyJWS().encode(payload, settings.TEST_JWT_SIGNING_KEY, algorithm=settings.SIMPLE_JWT["ALGORITHM"])


def unsigned(token: str, algorithm: str) -> str:
    """`token`'s payload with `alg` set to a "none" spelling and no signature."""
    return f"{b64url({'alg': algorithm, 'typ': 'at+jwt'})}.{token.split('.')[1]}."


def with_payload(token: str, **changes) -> str:
    """`token` with its payload changed and its original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{b64url({**claims, **changes})}.{signature}"


@with_whoami
def test_a_valid_access_token_authenticates_the_request(api_client, make_access_token):
    user = UserFactory()
    response = api_client.get("/whoami/", **authenticated(make_access_token(user)))
    assert response.status_code == 200
    assert response.json() == {"id": str(user.pk)}


@with_whoami
@pytest.mark.parametrize("typ", ["application/at+jwt", "AT+JWT"])
def test_the_access_token_type_is_read_as_a_media_type(typ, api_client, make_access_token):
    # RFC 9068 section 4 and RFC 7515 section 4.1.9: `application/` may be written, and case does not matter.
    user = UserFactory()
    response = api_client.get("/whoami/", **authenticated(make_access_token(user, headers={"typ": typ})))
    assert response.status_code == 200, response.content


@with_whoami
def test_a_request_without_a_token_is_refused_as_not_authenticated(api_client):
    response = api_client.get("/whoami/")
    assert_refused(response, code=NOT_AUTHENTICATED)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@with_whoami
def test_a_refused_token_answers_with_a_bearer_challenge(api_client):
    response = api_client.get("/whoami/", **authenticated("not-a-token"))
    assert_refused(response)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
{%- if cookiecutter.auth_role != "client_service" %}


@with_whoami
def test_claims_source_authenticates_without_a_database_query(
    api_client, make_access_token, settings, django_assert_num_queries
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": "claims"}
    token = make_access_token(UserFactory())
    with django_assert_num_queries(0):
        response = api_client.get("/whoami/", **authenticated(token))
    assert response.status_code == 200
{%- endif %}


@with_whoami
def test_database_source_authenticates_with_one_query(
    api_client, make_access_token, settings, django_assert_num_queries
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": "database"}
    token = make_access_token(UserFactory())
    with django_assert_num_queries(1):
        response = api_client.get("/whoami/", **authenticated(token))
    assert response.status_code == 200
{%- if cookiecutter.auth_role != "client_service" %}


@with_whoami
def test_claims_source_trusts_an_access_token_until_it_expires(api_client, make_access_token, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": "claims"}
    user = UserFactory()
    token = make_access_token(user)
    user.is_active = False
    user.save()
    response = api_client.get("/whoami/", **authenticated(token))
    assert response.status_code == 200, "with claims, deactivation takes effect when the access token expires"
{%- endif %}


@with_whoami
def test_database_source_refuses_a_deactivated_users_access_token_at_once(api_client, make_access_token, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": "database"}
    user = UserFactory()
    token = make_access_token(user)
    user.is_active = False
    user.save()
    assert_refused(api_client.get("/whoami/", **authenticated(token)))
{%- if cookiecutter.auth_role != "client_service" %}


@with_whoami
def test_database_source_refuses_a_deleted_users_access_token(api_client, make_access_token, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "TOKEN_USER_SOURCE": "database"}
    user = UserFactory()
    token = make_access_token(user)
    user.delete()
    assert_refused(api_client.get("/whoami/", **authenticated(token)))
{%- endif %}


# Each builder takes (user, make_access_token, sign_token, access_claims) and returns the token to present.
HOSTILE_TOKENS = {
    "alg none": lambda u, make, sign, claims: unsigned(make(u), "none"),
    "alg None": lambda u, make, sign, claims: unsigned(make(u), "None"),
    "alg NONE": lambda u, make, sign, claims: unsigned(make(u), "NONE"),
    "alg nOnE": lambda u, make, sign, claims: unsigned(make(u), "nOnE"),
    "stripped signature": lambda u, make, sign, claims: make(u).rsplit(".", 1)[0] + ".",
    "signed with another key": lambda u, make, sign, claims: sign(
        claims(u),
        {%- if cookiecutter.signing_algorithm != "HS256" %}
        key=generate_private_key_pem(settings.SIMPLE_JWT["ALGORITHM"], rsa_key_bits=2048),
        {%- else %}
        key="another-secret-that-is-long-enough-for-hs256",
        {%- endif %}
    ),
    "modified payload": lambda u, make, sign, claims: with_payload(make(u), sub=str(UserFactory().pk)),
    "payload made staff": lambda u, make, sign, claims: with_payload(make(u), is_staff=True),
    "another audience": lambda u, make, sign, claims: make(u, aud="https://other.example.com/api"),
    "audience missing": lambda u, make, sign, claims: make(u, aud=OMIT),
    "another issuer": lambda u, make, sign, claims: make(u, iss="https://evil.example"),
    "issuer with a suffix": lambda u, make, sign, claims: make(u, iss=settings.SIMPLE_JWT["ISSUER"] + ".evil"),
    "issuer prefix": lambda u, make, sign, claims: make(u, iss=settings.SIMPLE_JWT["ISSUER"][:-1]),
    "issuer missing": lambda u, make, sign, claims: make(u, iss=OMIT),
    "issuer as a list": lambda u, make, sign, claims: signed_as_is(
        json.dumps({**claims(u), "iss": [settings.SIMPLE_JWT["ISSUER"]]}).encode()
    ),
    "exp missing": lambda u, make, sign, claims: make(u, exp=OMIT),
    "expired": lambda u, make, sign, claims: make(u, exp=int(time.time()) - 1),
    "exp as text": lambda u, make, sign, claims: make(u, exp="tomorrow"),
    "exp huge": lambda u, make, sign, claims: make(u, exp=10**30),
    "not valid yet": lambda u, make, sign, claims: make(u, nbf=int(time.time()) + 3600),
    "refresh token as access": lambda u, make, sign, claims: make(u, token_type="refresh"),
    "token type missing": lambda u, make, sign, claims: make(u, token_type=OMIT),
    "header typ missing": lambda u, make, sign, claims: make(u, headers={"typ": None}),
    "header typ JWT": lambda u, make, sign, claims: make(u, headers={"typ": "JWT"}),
    "header typ of a refresh token": lambda u, make, sign, claims: make(u, headers={"typ": "rt+jwt"}),
    "header typ not text": lambda u, make, sign, claims: make(u, headers={"typ": ["at+jwt"]}),
    "refresh audience": lambda u, make, sign, claims: make(u, aud=settings.SIMPLE_JWT["AUDIENCE"] + "/refresh"),
    "user in user_id, not sub": lambda u, make, sign, claims: make(u, sub=OMIT, user_id=str(u.pk)),
    "jti missing": lambda u, make, sign, claims: make(u, jti=OMIT),
    "unknown critical header": lambda u, make, sign, claims: sign(
        claims(u), headers={"crit": ["x-bound"], "x-bound": 1}
    ),
    "kid path traversal": lambda u, make, sign, claims: sign(
        claims(u), key="x" * 32, algorithm="HS256", headers={"kid": "../../../../dev/null"}
    ),
    "embedded jwk": lambda u, make, sign, claims: sign(
        claims(u), key="x" * 32, algorithm="HS256", headers={"jwk": {"kty": "oct", "k": b64url(b"x" * 32)}}
    ),
    "2 segments": lambda u, make, sign, claims: make(u).rsplit(".", 1)[0],
    "4 segments": lambda u, make, sign, claims: make(u) + ".e30",
    "5 segments": lambda u, make, sign, claims: make(u) + ".e30.e30",
    "not base64": lambda u, make, sign, claims: "!!!.@@@.###",
    "header not json": lambda u, make, sign, claims: b64url(b"[1,2") + ".e30.c2ln",
    "payload an array": lambda u, make, sign, claims: signed_as_is(b"[1]"),
}


@pytest.mark.parametrize("case", list(HOSTILE_TOKENS))
def test_hostile_token_is_refused_with_a_401_in_the_error_shape(
    case, api_client, make_access_token, sign_token, access_claims
):
    user = UserFactory()
    token = HOSTILE_TOKENS[case](user, make_access_token, sign_token, access_claims)
    assert_refused(api_client.get(ME_URL, **authenticated(token)))
{%- if cookiecutter.signing_algorithm != "HS256" %}


@pytest.mark.parametrize("algorithm", ["HS256", "HS384", "HS512"])
def test_token_hmac_signed_with_the_public_key_is_refused(algorithm, api_client, make_access_token):
    public_pem = public_key_pem(settings.TEST_JWT_SIGNING_KEY).encode()
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[algorithm]
    token = make_access_token(UserFactory())
    signing_input = f"{b64url({'alg': algorithm, 'typ': 'at+jwt'})}.{token.split('.')[1]}"
    forged = f"{signing_input}.{b64url(hmac.new(public_pem, signing_input.encode(), digest).digest())}"
    assert_refused(api_client.get(ME_URL, **authenticated(forged)))
{%- endif %}
{%- if cookiecutter.signing_algorithm != "HS256" %}


def test_token_signed_by_the_public_key_of_another_key_pair_is_refused(api_client, sign_token, access_claims):
    other_private = generate_private_key_pem(settings.SIMPLE_JWT["ALGORITHM"], rsa_key_bits=2048)
    token = sign_token(access_claims(UserFactory()), key=other_private)
    assert public_key_pem(other_private) != public_key_pem(settings.TEST_JWT_SIGNING_KEY)
    assert_refused(api_client.get(ME_URL, **authenticated(token)))
{%- endif %}
{%- if cookiecutter.signing_algorithm != "HS256" and cookiecutter.auth_role != "client_service" %}


def test_a_token_signed_with_the_key_of_an_extra_verifying_key_is_accepted(
    api_client, sign_token, access_claims, settings
):
    # The issuer is rotating to its next key and already publishes the public half.
    next_key = generate_private_key_pem(settings.SIMPLE_JWT["ALGORITHM"], rsa_key_bits=2048)
    token = sign_token(access_claims(UserFactory()), key=next_key)
    assert_refused(api_client.get(ME_URL, **authenticated(token)))
    settings.GATEHOUSE = {**settings.GATEHOUSE, "EXTRA_VERIFYING_KEYS": [public_key_pem(next_key)]}
    assert api_client.get(ME_URL, **authenticated(token)).status_code == 200
{%- endif %}


def test_token_in_the_query_string_is_ignored(api_client, make_access_token):
    token = make_access_token(UserFactory())
    response = api_client.get(f"{ME_URL}?access_token={token}&token={token}")
    assert_refused(response, code=NOT_AUTHENTICATED)
