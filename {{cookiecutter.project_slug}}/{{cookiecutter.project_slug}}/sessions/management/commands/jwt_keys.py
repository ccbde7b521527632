"""`manage.py jwt_keys`: the steps of a signing-key rotation with no downtime (docs/remote-split.md).

Keys live in the environment: JWT_PRIVATE_KEY signs, JWT_PUBLIC_KEYS holds the other
published keys. A rotation is: `generate` a key; publish its public half in
JWT_PUBLIC_KEYS; switch JWT_PRIVATE_KEY to it, moving the old key's public half
(`public-key`) to JWT_PUBLIC_KEYS; remove that one once every token it signed has
expired. `list` shows what the running configuration publishes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rest_framework_simplejwt import settings as simplejwt_settings

from ....authn.keys import generate_private_key_pem, key_id, public_key_pem
from ...jwks import verifying_keys_pem


def env_value(pem: str) -> str:
    """A PEM block as one quoted .env value, newlines written as \\n (as scripts/write_env_file.py writes)."""
    return '"' + pem.strip().replace("\n", "\\n") + '"'


class Command(BaseCommand):
    help = "Generate, inspect and rotate the JWT signing keys (docs/remote-split.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("generate", help="print a new private key and its public half, as .env lines")
        actions.add_parser("public-key", help="print the public half of JWT_PRIVATE_KEY, as a .env value")
        actions.add_parser("list", help="list the published keys by kid, the signing key first")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        algorithm = simplejwt_settings.api_settings.ALGORITHM
        if action == "generate":
            private_key = generate_private_key_pem(algorithm)
            public_key = public_key_pem(private_key)
            self.stdout.write(f"# kid {key_id(public_key, algorithm)}")
            self.stdout.write("# 1. Publish: add this public key to JWT_PUBLIC_KEYS and restart.")
            self.stdout.write(f"JWT_PUBLIC_KEYS={env_value(public_key)}")
            self.stdout.write("# 2. Sign: set JWT_PRIVATE_KEY to this key once the public key is published.")
            self.stdout.write(f"JWT_PRIVATE_KEY={env_value(private_key)}")
        elif action == "public-key":
            self.stdout.write(env_value(public_key_pem(simplejwt_settings.api_settings.SIGNING_KEY)))
        else:
            self.list_keys(algorithm)

    def list_keys(self, algorithm: str) -> None:
        jwt_settings = simplejwt_settings.api_settings
        longest = max(jwt_settings.ACCESS_TOKEN_LIFETIME, jwt_settings.REFRESH_TOKEN_LIFETIME)
        for position, key in enumerate(verifying_keys_pem()):
            role = "signing" if position == 0 else "published"
            self.stdout.write(f"{key_id(key, algorithm)} {role}")
        self.stdout.write(
            f"# A key that has stopped signing may be removed from JWT_PUBLIC_KEYS {longest} after it stopped."
        )
