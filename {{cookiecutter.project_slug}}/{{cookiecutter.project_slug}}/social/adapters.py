"""How this service talks to a provider: the authorization URL, the code exchange, and who signed in.

`OpenIDConnectAdapter` (the default) discovers the provider's endpoints from its issuer and reads
the person from the verified ID token. `OAuth2UserinfoAdapter` is for providers that speak OAuth 2.0
without OpenID Connect: its endpoints are configured, and the person is read from the userinfo
endpoint with the access token. `GitHubAdapter` is that adapter for GitHub (docs/social-login.md).
A provider names its class in its `adapter` field; a project subclasses one to map other claims.

Authlib's OAuth2Session builds the authorization URL (PKCE S256) and exchanges the code; the
ID token is verified with joserfc, the JOSE library Authlib's own OpenID client uses, and its claims
by Authlib's `CodeIDToken` (iss, aud, azp, nonce, exp, iat, at_hash). Authlib ships no type information,
hence the `type: ignore` of its imports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.requests_client import OAuth2Session  # type: ignore[import-untyped]
from authlib.oidc.core import CodeIDToken  # type: ignore[import-untyped]
from joserfc import jws, jwt
from joserfc.errors import JoseError

from ..authn.conf import gatehouse_settings
from ..authn.errors import AuthorizationCodeInvalid, IdTokenInvalid, ProviderError, ProviderUnavailable
from .discovery import fetch_json, provider_metadata, verification_keys
from .providers import Provider

logger = logging.getLogger(__name__)

# What a token endpoint answers for a code that is used, expired, or not for this client and verifier.
INVALID_GRANT = "invalid_grant"
# ID tokens signed with the client secret (HS256) are refused: the keys are the provider's published ones.
ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


@dataclass(frozen=True)
class ProviderIdentity:
    """Who the provider says signed in: its stable subject, and what it tells of them."""

    subject: str
    email: str = ""
    email_verified: bool = False
    first_name: str = ""
    last_name: str = ""


class OpenIDConnectAdapter:
    """An OpenID Connect provider: endpoints by discovery, the person from the verified ID token."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider

    def authorization_endpoint(self) -> str:
        """Where the browser signs in."""
        return str(provider_metadata(self.provider)["authorization_endpoint"])

    def token_endpoint(self) -> str:
        """Where the code is exchanged."""
        return str(provider_metadata(self.provider)["token_endpoint"])

    def session(self, redirect_uri: str) -> OAuth2Session:
        """An Authlib client for one flow, which proves its code with PKCE S256."""
        return OAuth2Session(
            client_id=self.provider.client_id,
            client_secret=self.provider.client_secret,
            scope=self.provider.scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
        )

    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
        """The provider's sign-in page for this flow (authorization code flow, RFC 6749 section 4.1)."""
        url, _state = self.session(redirect_uri).create_authorization_url(
            self.authorization_endpoint(), state=state, code_verifier=code_verifier, nonce=nonce
        )
        return str(url)

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
        """The provider's token answer for `code`; refused codes are `oidc_code_invalid`."""
        endpoint = self.token_endpoint()
        try:
            token = self.session(redirect_uri).fetch_token(
                endpoint,
                code=code,
                code_verifier=code_verifier,
                timeout=gatehouse_settings.OIDC_HTTP_TIMEOUT.total_seconds(),
            )
        except OAuthError as error:
            if error.error == INVALID_GRANT:
                raise AuthorizationCodeInvalid() from error
            logger.warning("OpenID Connect provider %s refused the token request: %s", self.provider.key, error)
            raise ProviderError() from error
        except (requests.RequestException, ValueError) as error:
            logger.warning("OpenID Connect provider %s: the token request failed: %s", self.provider.key, error)
            raise ProviderUnavailable() from error
        return dict(token)

    def identity(self, token: dict[str, Any], *, nonce: str) -> ProviderIdentity:
        """The person the token answer is about, from its verified ID token."""
        claims = self.verify_id_token(token, nonce=nonce)
        return self.identity_from_claims(claims)

    def verify_id_token(self, token: dict[str, Any], *, nonce: str) -> dict[str, Any]:
        """The claims of the token answer's ID token, once its signature and claims are verified."""
        raw = token.get("id_token")
        if not isinstance(raw, str):
            raise IdTokenInvalid()
        try:
            header = jws.extract_compact(raw.encode()).headers()
        except (JoseError, ValueError) as error:
            raise IdTokenInvalid() from error
        kid = header.get("kid")
        keys = verification_keys(self.provider, kid if isinstance(kid, str) else None)
        metadata = provider_metadata(self.provider)
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [algorithm for algorithm in ASYMMETRIC_ALGORITHMS if algorithm in offered]
        client_id = self.provider.client_id
        try:
            decoded = jwt.decode(raw, keys, algorithms=algorithms)
            claims = CodeIDToken(
                decoded.claims,
                decoded.header,
                {
                    "iss": {"essential": True, "value": self.provider.issuer},
                    "aud": {"essential": True, "value": client_id},
                },
                {"nonce": nonce, "client_id": client_id, "access_token": token.get("access_token")},
            )
            claims.validate(leeway=int(gatehouse_settings.OIDC_ID_TOKEN_LEEWAY.total_seconds()))
        except (JoseError, ValueError) as error:
            logger.info("OpenID Connect provider %s: an ID token was refused: %r", self.provider.key, error)
            raise IdTokenInvalid() from error
        return dict(claims)

    def identity_from_claims(self, claims: dict[str, Any]) -> ProviderIdentity:
        """The standard claims (OpenID Connect Core 1.0 section 5.1) as an identity; override to map others."""
        email = claims.get("email")
        return ProviderIdentity(
            subject=str(claims["sub"]),
            email=email if isinstance(email, str) else "",
            # Some providers send "true" as a string; only a JSON true counts.
            email_verified=claims.get("email_verified") is True,
            first_name=text_claim(claims, "given_name"),
            last_name=text_claim(claims, "family_name"),
        )


class OAuth2UserinfoAdapter(OpenIDConnectAdapter):
    """An OAuth 2.0 provider without ID tokens: configured endpoints, the person from its userinfo endpoint.

    The provider's entry gives `authorization_endpoint`, `token_endpoint` and `userinfo_endpoint`
    (its issuer is not used). The access token is used once, to read the userinfo, and not kept.
    """

    # The userinfo field that names the person for good.
    subject_claim = "sub"

    def authorization_endpoint(self) -> str:
        return self.provider.authorization_endpoint

    def token_endpoint(self) -> str:
        return self.provider.token_endpoint

    def identity(self, token: dict[str, Any], *, nonce: str) -> ProviderIdentity:
        access_token = token.get("access_token")
        if not isinstance(access_token, str):
            raise ProviderError()
        userinfo = self.userinfo(access_token)
        if not isinstance(userinfo, dict) or userinfo.get(self.subject_claim) in (None, ""):
            raise ProviderError()
        return self.identity_from_userinfo(userinfo, access_token)

    def userinfo(self, access_token: str) -> Any:
        """The userinfo document for `access_token`."""
        return fetch_json(self.provider, self.provider.userinfo_endpoint, Authorization=f"Bearer {access_token}")

    def identity_from_userinfo(self, userinfo: dict[str, Any], access_token: str) -> ProviderIdentity:
        """The identity the userinfo tells; by default, its standard claims."""
        return self.identity_from_claims({**userinfo, "sub": userinfo[self.subject_claim]})


class GitHubAdapter(OAuth2UserinfoAdapter):
    """GitHub's OAuth apps: the account's numeric `id` is the subject, its primary verified email the email.

    GitHub's `/user` gives the public email only, maybe none, and says nothing of its verification;
    `/user/emails` (the `user:email` scope) lists every address with `primary` and `verified`. The
    entry needs only `name`, `client_id`, `client_secret`, `adapter` and `scope` ("read:user user:email").
    """

    subject_claim = "id"
    AUTHORIZATION_ENDPOINT = "https://github.com/login/oauth/authorize"
    TOKEN_ENDPOINT = "https://github.com/login/oauth/access_token"  # noqa: S105 (a URL, not a secret)
    USERINFO_ENDPOINT = "https://api.github.com/user"
    EMAILS_ENDPOINT = "https://api.github.com/user/emails"

    def authorization_endpoint(self) -> str:
        return self.provider.authorization_endpoint or self.AUTHORIZATION_ENDPOINT

    def token_endpoint(self) -> str:
        return self.provider.token_endpoint or self.TOKEN_ENDPOINT

    def userinfo(self, access_token: str) -> Any:
        url = self.provider.userinfo_endpoint or self.USERINFO_ENDPOINT
        return fetch_json(self.provider, url, Authorization=f"Bearer {access_token}")

    def identity_from_userinfo(self, userinfo: dict[str, Any], access_token: str) -> ProviderIdentity:
        primary = self.primary_email(access_token)
        email = primary.get("email")
        first_name, _space, last_name = text_claim(userinfo, "name").partition(" ")
        return ProviderIdentity(
            subject=str(userinfo["id"]),
            email=email if isinstance(email, str) else "",
            email_verified=primary.get("verified") is True,
            first_name=first_name,
            last_name=last_name,
        )

    def primary_email(self, access_token: str) -> dict[str, Any]:
        """The account's primary address as `/user/emails` lists it (`email`, `verified`), or {}."""
        emails = fetch_json(self.provider, self.EMAILS_ENDPOINT, Authorization=f"Bearer {access_token}")
        entries = emails if isinstance(emails, list) else []
        return next((entry for entry in entries if isinstance(entry, dict) and entry.get("primary") is True), {})


def text_claim(claims: dict[str, Any], name: str, max_length: int = 150) -> str:
    """A string claim cut to what a name field keeps; "" when it is missing or not a string."""
    value = claims.get(name)
    return value[:max_length] if isinstance(value, str) else ""
