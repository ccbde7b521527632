"""The auth service publishes its public keys as a JWKS, names them in its tokens, and rotates them with a command."""

import io
import json
import re

import jwt
import pytest
from django.conf import settings
from django.core.management import call_command

from {{ cookiecutter.project_slug }}.authn.keys import (
    generate_private_key_pem,
    jwk_thumbprint,
    key_id,
    public_jwk,
    public_key_pem,
)

from ..factories import UserFactory
from ..tokens import signing_key_id

pytestmark = pytest.mark.django_db

JWKS_URL = "/.well-known/jwks.json"
ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}


def extra_access_claims(user):
    """An EXTRA_ACCESS_CLAIMS function, as a project names one."""
    return {"tenant": "acme", "email_domain": user.email.split("@")[1]}


def reserved_access_claims(user):
    return {"sub": "someone-else"}


@pytest.fixture
def next_key(settings):
    """A second key, published through JWT_PUBLIC_KEYS: one text of PEM blocks, as base.py reads it."""
    private_key = generate_private_key_pem(ALGORITHM, rsa_key_bits=2048)
    settings.GATEHOUSE = {**settings.GATEHOUSE, "EXTRA_VERIFYING_KEYS": public_key_pem(private_key)}
    return private_key


def test_the_kid_is_the_rfc_7638_thumbprint():
    # RFC 8037 appendix A.3: the thumbprint of the example Ed25519 key.
    jwk = {"crv": "Ed25519", "kty": "OKP", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert jwk_thumbprint(jwk) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_the_jwks_holds_the_signing_key_with_public_members_only(api_client):
    response = api_client.get(JWKS_URL)
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert [key["kid"] for key in keys] == [signing_key_id()]
    for key in keys:
        assert key["alg"] == ALGORITHM
        assert key["use"] == "sig"
        assert key["kty"] in {"RSA", "OKP"}
        assert not PRIVATE_MEMBERS & set(key), f"the JWKS must hold no private member, it has {set(key)}"


def test_the_jwks_is_publicly_cacheable_for_a_short_time(api_client):
    response = api_client.get(JWKS_URL)
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Accept" in response["Vary"], "caches must keep the JSON and the JWK Set answers apart"


def test_the_jwks_answers_its_media_type_to_a_client_that_asks_for_it(api_client):
    # RFC 7517 section 8.5.
    response = api_client.get(JWKS_URL, HTTP_ACCEPT="application/jwk-set+json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    assert [key["kid"] for key in json.loads(response.content)["keys"]] == [signing_key_id()]


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/json", "application/json, application/jwk-set+json", "text/html"]
)
def test_the_jwks_answers_plain_json_otherwise(accept, api_client):
    response = api_client.get(JWKS_URL, **({"HTTP_ACCEPT": accept} if accept else {}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [key["kid"] for key in response.json()["keys"]] == [signing_key_id()]


def test_the_jwks_is_readable_from_any_origin_without_credentials(api_client):
    response = api_client.get(JWKS_URL, HTTP_ORIGIN="https://anywhere.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response, "public keys need no cookies"


def test_the_jwks_verifies_the_tokens_the_service_issues(api_client, issue_tokens):
    access = issue_tokens(UserFactory()).access
    header = jwt.get_unverified_header(access)
    published = {key["kid"]: key for key in api_client.get(JWKS_URL).json()["keys"]}
    assert header["kid"] in published, "an issued token must name a published key"
    key = jwt.PyJWK(published[header["kid"]], algorithm=ALGORITHM)
    claims = jwt.decode(access, key.key, algorithms=[ALGORITHM], audience=settings.SIMPLE_JWT["AUDIENCE"])
    assert claims["iss"] == settings.SIMPLE_JWT["ISSUER"]


def test_a_key_in_jwt_public_keys_is_published_after_the_signing_key(api_client, next_key):
    kids = [key["kid"] for key in api_client.get(JWKS_URL).json()["keys"]]
    assert kids == [signing_key_id(), key_id(public_key_pem(next_key), ALGORITHM)]


def test_access_tokens_carry_what_a_client_copies_of_the_user(issue_tokens):
    user = UserFactory(first_name="Ada", last_name="Lovelace", is_staff=True)
    claims = jwt.decode(issue_tokens(user).access, options={"verify_signature": False})
    assert {name: claims[name] for name in ("email", "first_name", "last_name", "is_staff", "is_superuser")} == {
        "email": user.email,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "is_staff": True,
        "is_superuser": False,
    }


def test_refresh_tokens_carry_no_user_fields(issue_tokens):
    claims = jwt.decode(issue_tokens(UserFactory()).refresh, options={"verify_signature": False})
    assert "email" not in claims, "only access tokens are read by client services"


def test_extra_access_claims_come_from_the_named_function(settings, issue_tokens):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "EXTRA_ACCESS_CLAIMS": f"{__name__}.extra_access_claims"}
    user = UserFactory(email="grace@navy.example")
    claims = jwt.decode(issue_tokens(user).access, options={"verify_signature": False})
    assert (claims["tenant"], claims["email_domain"]) == ("acme", "navy.example")


def test_extra_access_claims_cannot_replace_reserved_claims(settings, issue_tokens):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "EXTRA_ACCESS_CLAIMS": f"{__name__}.reserved_access_claims"}
    with pytest.raises(ValueError, match="reserved"):
        issue_tokens(UserFactory())


def run_jwt_keys(*arguments: str) -> str:
    output = io.StringIO()
    call_command("jwt_keys", *arguments, stdout=output)
    return output.getvalue()


def env_pem(output: str, variable: str) -> str:
    value = re.search(rf'^{variable}="(.+)"$', output, re.MULTILINE).group(1)
    return value.replace("\\n", "\n") + "\n"


def test_jwt_keys_generate_prints_a_new_key_pair_and_its_kid():
    output = run_jwt_keys("generate")
    private_key, public_key = env_pem(output, "JWT_PRIVATE_KEY"), env_pem(output, "JWT_PUBLIC_KEYS")
    assert public_key_pem(private_key) == public_key
    assert f"# kid {key_id(public_key, ALGORITHM)}" in output
    assert key_id(public_key, ALGORITHM) != signing_key_id(), "generate must make a new key"


def test_jwt_keys_public_key_prints_the_signing_keys_public_half():
    printed = run_jwt_keys("public-key").strip().strip('"').replace("\\n", "\n") + "\n"
    assert printed == public_key_pem(settings.TEST_JWT_SIGNING_KEY)


def test_jwt_keys_list_names_the_signing_key_first_then_the_published_ones(next_key):
    lines = run_jwt_keys("list").splitlines()
    assert lines[:2] == [
        f"{signing_key_id()} signing",
        f"{key_id(public_key_pem(next_key), ALGORITHM)} published",
    ]
    assert "1 day, 0:00:00 after it stopped" in lines[2], "list must say when a retired key may go"


def test_the_published_jwk_of_a_key_matches_what_the_service_serves(api_client):
    served = api_client.get(JWKS_URL).json()["keys"][0]
    assert served == public_jwk(public_key_pem(settings.TEST_JWT_SIGNING_KEY), ALGORITHM)
