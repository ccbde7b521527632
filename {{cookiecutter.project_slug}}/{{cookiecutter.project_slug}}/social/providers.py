"""The providers of GATEHOUSE["OIDC_PROVIDERS"], read once per request from the settings.

Each entry is `"<key>": {"name", "issuer", "client_id", "client_secret", ...}`, with these optional
fields: `scope` (default `openid email profile`), `adapter` (the dotted path of the class that talks to
the provider, default `OpenIDConnectAdapter`), and for OAuth-only providers the endpoints their adapter
cannot discover (`authorization_endpoint`, `token_endpoint`, `userinfo_endpoint`). The system checks
(social/checks.py) refuse an entry that is missing a field, names an unknown one, or whose issuer is not an
https URL.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

from ..authn.conf import gatehouse_settings

if TYPE_CHECKING:
    from .adapters import OpenIDConnectAdapter

DEFAULT_ADAPTER = "{{ cookiecutter.project_slug }}.social.adapters.OpenIDConnectAdapter"
DEFAULT_SCOPE = "openid email profile"
SCENARIO_PREFIX = "oidc-"


@dataclass(frozen=True)
class Provider:
    """One provider's configuration, as GATEHOUSE["OIDC_PROVIDERS"] gives it under `key`."""

    key: str
    name: str
    client_id: str
    client_secret: str
    issuer: str = ""
    scope: str = DEFAULT_SCOPE
    adapter: str = DEFAULT_ADAPTER
    authorization_endpoint: str = ""
    token_endpoint: str = ""
    userinfo_endpoint: str = ""

    @classmethod
    def from_settings(cls, key: str, config: dict[str, Any]) -> Provider:
        """The provider `key` of the settings (checked at start by social/checks.py)."""
        return cls(key=key, **config)

    @property
    def scenario_key(self) -> str:
        """The key of its login scenario, `oidc-<key>`."""
        return f"{SCENARIO_PREFIX}{self.key}"

    def get_adapter(self) -> OpenIDConnectAdapter:
        """An instance of the provider's adapter class, bound to it."""
        adapter_class: type[OpenIDConnectAdapter] = import_string(self.adapter)
        return adapter_class(self)


# The fields an entry of GATEHOUSE["OIDC_PROVIDERS"] may have (`key` is the entry's own key).
CONFIG_FIELDS = frozenset(field.name for field in fields(Provider)) - {"key"}
REQUIRED_FIELDS = frozenset({"name", "client_id", "client_secret"})


def configured_providers() -> dict[str, Provider]:
    """Every provider of GATEHOUSE["OIDC_PROVIDERS"], by key."""
    return {key: Provider.from_settings(key, config) for key, config in gatehouse_settings.OIDC_PROVIDERS.items()}


def get_provider(key: str) -> Provider:
    """The provider `key`; a KeyError when the settings no longer have it."""
    return Provider.from_settings(key, gatehouse_settings.OIDC_PROVIDERS[key])
