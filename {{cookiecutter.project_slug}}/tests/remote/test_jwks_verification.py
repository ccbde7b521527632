"""Access tokens are verified here against the auth service's JWKS, fetched rarely and cached for every process.

SECURITY.md section H (items 72 to 77) and R12: no per-request call to the auth service,
an unknown `kid` costs at most one fetch per interval, and without the right key, issuer,
audience or algorithm a token is refused with a 401. Each process parses the keys once,
and the requests that need them while they are fetched wait for that fetch.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta

import jwt
import pytest
import requests
import responses
from django.conf import settings
from django.core.cache import cache
from jwt import PyJWK, PyJWKClientError

from {{ cookiecutter.project_slug }}.authn.keys import generate_private_key_pem, key_id, public_jwk, public_key_pem
from {{ cookiecutter.project_slug }}.remote.jwks import FETCH_LOCK_CACHE_KEY, JWKS_CACHE_KEY, CachedJWKSClient

from ..tokens import authenticated, signing_key_id
from .conftest import JWKS_PATH, ME_URL, auth_service_url, jwks_fetches

pytestmark = pytest.mark.django_db

ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def assert_refused(response):
    assert response.status_code == 401, response.content
    assert response.json()["errors"][0]["code"] == "token_not_valid"


@pytest.fixture
def next_key():
    """A key the auth service has not published yet."""
    return generate_private_key_pem(ALGORITHM, rsa_key_bits=2048)


def kid_of(private_key: str) -> str:
    return key_id(public_key_pem(private_key), ALGORITHM)


def test_a_valid_token_is_accepted_with_one_jwks_fetch_for_many_requests(api_client, remote_token, auth_service):
    token = remote_token()
    for _ in range(5):
        assert api_client.get(ME_URL, **authenticated(token)).status_code == 200
    assert jwks_fetches(auth_service) == 1, "the JWKS must be fetched once, then read from the cache"


def test_a_token_for_another_audience_is_refused(api_client, remote_token):
    assert_refused(api_client.get(ME_URL, **authenticated(remote_token(aud="https://other-service.example/api"))))


@pytest.mark.parametrize("suffix", [".evil", "/"])
def test_a_token_from_another_issuer_is_refused(suffix, api_client, remote_token):
    assert_refused(api_client.get(ME_URL, **authenticated(remote_token(iss=settings.SIMPLE_JWT["ISSUER"] + suffix))))


def test_a_token_signed_by_another_key_under_a_published_kid_is_refused(
    api_client, sign_token, access_claims, remote_user, next_key
):
    token = sign_token(access_claims(remote_user), key=next_key, headers={"kid": signing_key_id()})
    assert_refused(api_client.get(ME_URL, **authenticated(token)))


def test_a_token_hmac_signed_with_the_published_public_key_is_refused(api_client, access_claims, remote_user):
    public_pem = public_key_pem(settings.TEST_JWT_SIGNING_KEY).encode()
    header = b64url(json.dumps({"alg": "HS256", "typ": "at+jwt", "kid": signing_key_id()}).encode())
    payload = b64url(json.dumps(access_claims(remote_user)).encode())
    signature = b64url(hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    assert_refused(api_client.get(ME_URL, **authenticated(f"{header}.{payload}.{signature}")))


def test_a_token_without_a_kid_is_refused_without_a_fetch(api_client, access_claims, remote_user, auth_service):
    token = jwt.encode(
        access_claims(remote_user), settings.TEST_JWT_SIGNING_KEY, algorithm=ALGORITHM, headers={"typ": "at+jwt"}
    )
    assert_refused(api_client.get(ME_URL, **authenticated(token)))
    assert jwks_fetches(auth_service) == 0


def test_a_token_of_another_type_is_refused_without_a_fetch(
    api_client, sign_token, access_claims, remote_user, auth_service
):
    token = sign_token(access_claims(remote_user, token_type="refresh"), headers={"typ": "rt+jwt", "kid": "unknown"})
    assert_refused(api_client.get(ME_URL, **authenticated(token)))
    assert jwks_fetches(auth_service) == 0, "the type is checked before any key is looked for"


def test_a_new_key_is_picked_up_without_a_restart(
    api_client, remote_token, sign_token, access_claims, remote_user, jwks_keys, next_key, auth_service
):
    assert api_client.get(ME_URL, **authenticated(remote_token())).status_code == 200
    # The auth service publishes its next key and signs with it.
    jwks_keys.append(public_jwk(public_key_pem(next_key), ALGORITHM))
    # JWKS_REFETCH_INTERVAL has passed since the first fetch (the auth service published its
    # next key at least that long before signing with it, as docs/remote-split.md says).
    cache.delete(FETCH_LOCK_CACHE_KEY)
    token = sign_token(access_claims(remote_user), key=next_key, headers={"kid": kid_of(next_key)})
    assert api_client.get(ME_URL, **authenticated(token)).status_code == 200
    assert jwks_fetches(auth_service) == 2, "an unknown kid must trigger exactly one more fetch"
    assert api_client.get(ME_URL, **authenticated(remote_token())).status_code == 200, "the old key still verifies"


def test_unknown_kids_refetch_at_most_once_per_interval(
    api_client, sign_token, access_claims, remote_user, auth_service
):
    for number in range(50):
        token = sign_token(access_claims(remote_user), headers={"kid": f"made-up-{number}"})
        assert_refused(api_client.get(ME_URL, **authenticated(token)))
    assert jwks_fetches(auth_service) == 1, "a flood of unknown kids must cost the auth service one fetch per interval"


def test_after_the_interval_an_unknown_kid_may_fetch_again(
    settings, api_client, sign_token, access_claims, remote_user, auth_service
):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "JWKS_REFETCH_INTERVAL": timedelta(0)}
    for number in range(3):
        token = sign_token(access_claims(remote_user), headers={"kid": f"k{number}"})
        assert_refused(api_client.get(ME_URL, **authenticated(token)))
    assert jwks_fetches(auth_service) == 3


@pytest.mark.parametrize("kid", ["../../../../dev/null", "x" * 10_000, "' OR '1'='1", "nul\x00"])
def test_hostile_kids_are_refused(kid, api_client, sign_token, access_claims, remote_user):
    token = sign_token(access_claims(remote_user), headers={"kid": kid})
    assert_refused(api_client.get(ME_URL, **authenticated(token)))


def test_published_keys_of_another_type_or_purpose_are_ignored(api_client, remote_token, jwks_keys):
    jwks_keys[0] = {**jwks_keys[0], "use": "enc"}
    jwks_keys.append({"kty": "oct", "k": b64url(b"s" * 32), "kid": "hmac", "alg": "HS256"})
    assert_refused(api_client.get(ME_URL, **authenticated(remote_token())))


def test_cached_keys_keep_verifying_while_the_auth_service_is_down(api_client, remote_token, auth_service, settings):
    assert api_client.get(ME_URL, **authenticated(remote_token())).status_code == 200
    auth_service.replace(responses.GET, auth_service_url(JWKS_PATH), body=requests.ConnectionError("down"))
    # Even past JWKS_REFRESH_AFTER, a failed refresh keeps the last keys (until JWKS_CACHE_TTL).
    settings.GATEHOUSE = {**settings.GATEHOUSE, "JWKS_REFRESH_AFTER": timedelta(0)}
    assert api_client.get(ME_URL, **authenticated(remote_token())).status_code == 200


def test_an_unreachable_auth_service_fails_closed_for_unknown_keys(api_client, remote_token, auth_service):
    auth_service.replace(responses.GET, auth_service_url(JWKS_PATH), body=requests.ConnectTimeout("timeout"))
    assert_refused(api_client.get(ME_URL, **authenticated(remote_token())))


def test_the_keys_are_shared_through_the_django_cache(api_client, remote_token):
    api_client.get(ME_URL, **authenticated(remote_token()))
    assert signing_key_id() in cache.get(JWKS_CACHE_KEY)["keys"]


def test_a_process_parses_the_keys_once_and_then_needs_neither_the_cache_nor_the_auth_service(auth_service):
    client = CachedJWKSClient()
    key = client.get_signing_key(signing_key_id())
    # Within JWKS_REFETCH_INTERVAL, the process's own copy answers: the shared key set may even be gone.
    cache.delete(JWKS_CACHE_KEY)
    assert client.get_signing_key(signing_key_id()) is key
    assert jwks_fetches(auth_service) == 1


def test_requests_that_need_the_keys_while_they_are_fetched_wait_for_that_one_fetch(auth_service, jwks_keys):
    # Four workers sharing one cache and starting with no key set, as a service that starts under load.
    fetching = threading.Event()

    def slow_jwks(request):
        fetching.set()
        time.sleep(0.5)
        return 200, {"Content-Type": "application/json"}, json.dumps({"keys": jwks_keys})

    auth_service.remove(responses.GET, auth_service_url(JWKS_PATH))
    auth_service.add_callback(responses.GET, auth_service_url(JWKS_PATH), callback=slow_jwks)
    workers = [CachedJWKSClient() for _ in range(4)]
    found: dict[int, object] = {}

    def verify(number: int) -> None:
        try:
            found[number] = workers[number].get_signing_key(signing_key_id())
        except PyJWKClientError as error:
            found[number] = error

    threads = [threading.Thread(target=verify, args=(number,)) for number in range(4)]
    threads[0].start()
    assert fetching.wait(timeout=5)
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(found) == 4, found
    assert all(isinstance(key, PyJWK) for key in found.values()), found
    assert jwks_fetches(auth_service) == 1, "the waiting requests must not fetch again, nor be refused"


def test_nobody_waits_for_a_fetch_that_failed(auth_service, settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "JWKS_FETCH_TIMEOUT": timedelta(seconds=5)}
    auth_service.replace(responses.GET, auth_service_url(JWKS_PATH), body=requests.ConnectionError("down"))
    with pytest.raises(PyJWKClientError):
        CachedJWKSClient().get_signing_key(signing_key_id())
    started = time.monotonic()
    with pytest.raises(PyJWKClientError):
        CachedJWKSClient().get_signing_key(signing_key_id())
    assert time.monotonic() - started < 1, "within the interval, a failed fetch is not waited for"
    assert jwks_fetches(auth_service) == 1
