"""Access tokens are RFC 9068 JWTs, and refresh tokens are typed and addressed so that no verifier takes them for one.

A verifier that knows only the issuer's key, its issuer and the API's audience, and checks
the header's `typ` as RFC 9068 section 4 asks, accepts the access token of a login and
refuses its refresh token; this project refuses each where the other is expected.
"""

from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.utils import datetime_to_epoch

from {{ cookiecutter.project_slug }}.authn.errors import TOKEN_NOT_VALID
{%- if cookiecutter.signing_algorithm != "HS256" %}
from {{ cookiecutter.project_slug }}.authn.keys import public_key_pem
{%- endif %}
from {{ cookiecutter.project_slug }}.sessions.models import RefreshFamily

from ..factories import UserFactory
from ..tokens import authenticated
from .helpers import refresh, tokens_of

pytestmark = pytest.mark.django_db

ME_URL = "/api/auth/me/"
VERIFY_URL = "/api/auth/token/verify/"
ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]
AUDIENCE = settings.SIMPLE_JWT["AUDIENCE"]
ISSUER = settings.SIMPLE_JWT["ISSUER"]
{%- if cookiecutter.signing_algorithm == "HS256" %}
VERIFYING_KEY = settings.TEST_JWT_SIGNING_KEY
{%- else %}
VERIFYING_KEY = public_key_pem(settings.TEST_JWT_SIGNING_KEY)
{%- endif %}


def header_of(token: str) -> dict:
    return jwt.get_unverified_header(token)


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def verify_with_audience(token: str) -> dict:
    """The usual recipe of any JWT library: the key, the algorithm, the issuer and the API's audience."""
    return jwt.decode(token, VERIFYING_KEY, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER)


def check_type_as_rfc_9068_says(token: str) -> None:
    """RFC 9068 section 4: the header's `typ` must be `at+jwt` or `application/at+jwt`."""
    if str(header_of(token).get("typ", "")).lower() not in {"at+jwt", "application/at+jwt"}:
        raise jwt.InvalidTokenError("not an access token")


def assert_refused(response):
    assert response.status_code == 401, response.content
    assert response.json()["errors"][0]["code"] == TOKEN_NOT_VALID


def test_an_access_token_has_the_rfc_9068_header_and_claims(issue_tokens):
    user = UserFactory()
    access = issue_tokens(user).access
    assert header_of(access)["typ"] == "at+jwt"
    claims = claims_of(access)
    assert {"sub", "iss", "aud", "exp", "iat", "jti", "auth_time"} <= set(claims)
    assert claims["sub"] == str(user.pk), "`sub` is the user id, as a string"
    assert "user_id" not in claims, "the user id is in `sub` only"
    assert (claims["iss"], claims["aud"]) == (ISSUER, AUDIENCE)


def test_a_refresh_token_has_another_type_and_another_audience(issue_tokens):
    pair = issue_tokens(UserFactory())
    assert header_of(pair.refresh)["typ"] == "rt+jwt"
    assert claims_of(pair.refresh)["aud"] == f"{AUDIENCE}/refresh"
    assert claims_of(pair.refresh)["iss"] == ISSUER


def test_auth_time_is_when_the_login_happened(issue_tokens):
    pair = issue_tokens(UserFactory())
    family = RefreshFamily.objects.get()
    assert claims_of(pair.access)["auth_time"] == datetime_to_epoch(family.started_at)
    assert family.authenticated_at == family.started_at


def test_auth_time_is_carried_over_through_refreshes(api_client, issue_tokens):
    pair = issue_tokens(UserFactory())
    # The login was an hour ago; its session has been refreshed since.
    an_hour_ago = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    RefreshFamily.objects.update(started_at=an_hour_ago, authenticated_at=an_hour_ago)
    rotated = tokens_of(refresh(api_client, pair.refresh))
    second = tokens_of(refresh(api_client, rotated.refresh))
    for access in (rotated.access, second.access):
        claims = claims_of(access)
        assert claims["auth_time"] == datetime_to_epoch(an_hour_ago), "a refresh is not an authentication"
        assert claims["iat"] >= claims["auth_time"] + 3600


def test_a_standard_verifier_accepts_the_access_token(issue_tokens):
    user = UserFactory()
    access = issue_tokens(user).access
    check_type_as_rfc_9068_says(access)
    assert verify_with_audience(access)["sub"] == str(user.pk)


def test_a_verifier_that_checks_the_audience_refuses_the_refresh_token(issue_tokens):
    with pytest.raises(jwt.InvalidAudienceError):
        verify_with_audience(issue_tokens(UserFactory()).refresh)


def test_a_verifier_that_checks_the_type_refuses_the_refresh_token(issue_tokens):
    with pytest.raises(jwt.InvalidTokenError):
        check_type_as_rfc_9068_says(issue_tokens(UserFactory()).refresh)


def test_a_refresh_token_is_refused_as_an_access_token(api_client, issue_tokens):
    assert_refused(api_client.get(ME_URL, **authenticated(issue_tokens(UserFactory()).refresh)))


def test_a_refresh_token_is_refused_by_token_verify(api_client, issue_tokens):
    assert_refused(api_client.post(VERIFY_URL, {"token": issue_tokens(UserFactory()).refresh}, format="json"))


def test_an_access_token_is_refused_as_a_refresh_token(api_client, issue_tokens):
    assert_refused(refresh(api_client, issue_tokens(UserFactory()).access))


def test_a_refresh_token_retyped_as_an_access_token_is_refused(api_client, issue_tokens, sign_token):
    # Whoever holds the key could do this; the audience and the private claims still say what the token is.
    retyped = sign_token(claims_of(issue_tokens(UserFactory()).refresh), headers={"typ": "at+jwt"})
    assert_refused(api_client.get(ME_URL, **authenticated(retyped)))


def test_an_access_token_retyped_as_a_refresh_token_is_refused(api_client, issue_tokens, sign_token):
    retyped = sign_token(claims_of(issue_tokens(UserFactory()).access), headers={"typ": "rt+jwt"})
    assert_refused(refresh(api_client, retyped))
