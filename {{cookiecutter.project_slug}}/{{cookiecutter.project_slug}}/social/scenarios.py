"""One login scenario per provider, `oidc-<key>`: step `start`, then step `callback`.

`start` takes the frontend URL the provider sends the browser back to (one of
GATEHOUSE["OIDC_ALLOWED_REDIRECT_URIS"]) and answers with the provider's `authorization_url`
for this flow: the authorization code flow with PKCE S256, and a `state` and a `nonce` that
only the flow's state in the cache knows. The frontend sends the browser there; the provider
sends it back to the redirect URI with `code` and `state` in the query, which the frontend
posts to `callback` with the flow token. `callback` checks the state, exchanges the code (with
the PKCE verifier), verifies the ID token against the nonce, and binds the flow to the linked
account (social/linking.py); the login engine then completes the login as it does for every
scenario, so whatever the engine asks after a last step applies here too.

The scenarios are classes made from the settings, registered with the login app
(`register_scenario_source`, in SocialConfig.ready()): the login app knows nothing of providers.
"""

from __future__ import annotations

import hmac
import secrets
from functools import cache, cached_property
from typing import Any, ClassVar

from django.utils.translation import gettext

from ..authn.conf import gatehouse_settings
from ..authn.errors import (
    AuthorizationCodeInvalid,
    EmailAlreadyRegistered,
    IdTokenInvalid,
    ProviderEmailMissing,
    ProviderError,
    ProviderUnavailable,
    RedirectUriNotAllowed,
    RegistrationClosed,
    StateInvalid,
)
from ..login.scenarios import Scenario, Step, StepContext
from ..login.scenarios.schemas import object_schema
from .linking import user_for_identity
from .providers import SCENARIO_PREFIX, Provider, get_provider

# What the flow keeps between the two steps, under this key of `Flow.data`.
FLOW_DATA_KEY = "oidc"
# 256 bits each: state and nonce are guessed by nobody; the PKCE verifier is 43 characters (RFC 7636).
SECRET_BYTES = 32
# Browsers and providers keep URLs to a few kilobytes; a longer value is not one they sent.
URL_MAX_LENGTH = 2048
ANSWER_MAX_LENGTH = 2048


def text_schema(title: str, description: str, max_length: int) -> dict[str, Any]:
    """The schema of a non-empty string field of at most `max_length` characters."""
    return {"type": "string", "title": title, "description": description, "minLength": 1, "maxLength": max_length}


class OIDCScenario(Scenario):
    """The sign-in with one provider; `provider_scenarios()` makes one subclass per configured provider."""

    provider_key: ClassVar[str]

    @cached_property
    def provider(self) -> Provider:
        """The provider's configuration, read from the settings once per request."""
        return get_provider(self.provider_key)


def oidc_scenario(context: StepContext) -> OIDCScenario:
    """The context's scenario, which is an OIDCScenario for the steps below."""
    scenario = context.scenario
    if not isinstance(scenario, OIDCScenario):
        raise TypeError(f"{type(scenario).__name__} is not an OpenID Connect scenario")
    return scenario


class StartStep(Step):
    """`start`: where the provider returns the browser to; the answer holds the provider's `authorization_url`."""

    key = "start"
    errors = (RedirectUriNotAllowed, ProviderUnavailable)

    def get_schema(self) -> dict[str, Any]:
        # Translated when asked for (`options/` in the request's language); schemas hold plain strings.
        redirect_uri = text_schema(
            gettext("Redirect URI"),
            gettext(
                "The frontend URL the provider sends the browser back to: one of the allowed redirect URIs, "
                "as registered at the provider."
            ),
            URL_MAX_LENGTH,
        )
        return object_schema({"redirect_uri": redirect_uri}, title=gettext("Start"))

    def handle(self, context: StepContext, data: dict[str, Any]) -> None:
        redirect_uri = data["redirect_uri"]
        # Compared exactly, as providers compare it (RFC 9700 section 4.1.3): no prefix, no pattern.
        if redirect_uri not in gatehouse_settings.OIDC_ALLOWED_REDIRECT_URIS:
            raise RedirectUriNotAllowed()
        context.flow.data[FLOW_DATA_KEY] = {"redirect_uri": redirect_uri}


class CallbackStep(Step):
    """`callback`: the `code` and `state` the provider returned the browser with."""

    key = "callback"
    errors = (
        StateInvalid,
        AuthorizationCodeInvalid,
        IdTokenInvalid,
        ProviderUnavailable,
        ProviderError,
        ProviderEmailMissing,
        EmailAlreadyRegistered,
        RegistrationClosed,
    )

    def get_schema(self) -> dict[str, Any]:
        code = text_schema(gettext("Code"), gettext("The `code` of the redirect URI's query."), ANSWER_MAX_LENGTH)
        state = text_schema(gettext("State"), gettext("The `state` of the redirect URI's query."), ANSWER_MAX_LENGTH)
        return object_schema({"code": code, "state": state}, title=gettext("Provider's answer"))

    def enter(self, context: StepContext) -> dict[str, Any]:
        """Make the flow's state, nonce and PKCE verifier, and the provider's URL that carries them."""
        kept = context.flow.data[FLOW_DATA_KEY]
        kept.update(
            state=secrets.token_urlsafe(SECRET_BYTES),
            nonce=secrets.token_urlsafe(SECRET_BYTES),
            code_verifier=secrets.token_urlsafe(SECRET_BYTES),
        )
        url = (
            oidc_scenario(context)
            .provider.get_adapter()
            .authorization_url(
                redirect_uri=kept["redirect_uri"],
                state=kept["state"],
                nonce=kept["nonce"],
                code_verifier=kept["code_verifier"],
            )
        )
        return {"authorization_url": url}

    def handle(self, context: StepContext, data: dict[str, Any]) -> None:
        kept = context.flow.data[FLOW_DATA_KEY]
        if not hmac.compare_digest(data["state"].encode(), kept["state"].encode()):
            raise StateInvalid()
        provider = oidc_scenario(context).provider
        adapter = provider.get_adapter()
        token = adapter.exchange_code(
            code=data["code"], redirect_uri=kept["redirect_uri"], code_verifier=kept["code_verifier"]
        )
        identity = adapter.identity(token, nonce=kept["nonce"])
        user = user_for_identity(context.request, provider, identity)
        context.bind(email=user.email, user=user)


@cache
def scenario_class(provider_key: str, name: str) -> type[OIDCScenario]:
    """The scenario class of one provider (made once per provider and name)."""
    attributes = {
        "key": f"{SCENARIO_PREFIX}{provider_key}",
        "name": name,
        "provider_key": provider_key,
        "steps": (StartStep(), CallbackStep()),
        "__doc__": f"`{SCENARIO_PREFIX}{provider_key}`: sign in with {name}.",
        "__module__": __name__,
    }
    return type(f"OIDCScenario[{provider_key}]", (OIDCScenario,), attributes)


def provider_scenarios() -> list[type[Scenario]]:
    """A scenario for each provider of GATEHOUSE["OIDC_PROVIDERS"], in their order (the login app asks)."""
    providers = gatehouse_settings.OIDC_PROVIDERS
    if not isinstance(providers, dict):
        # The system check social.E001 says what is wrong with it.
        return []
    return [
        scenario_class(str(key), str(config.get("name", key)))
        for key, config in providers.items()
        if isinstance(config, dict)
    ]
