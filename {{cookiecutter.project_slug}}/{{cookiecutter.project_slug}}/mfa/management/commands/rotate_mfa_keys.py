"""`manage.py rotate_mfa_keys`: encrypt every TOTP secret again with the first key of MFA_ENCRYPTION_KEYS.

A rotation: put the new key first in MFA_ENCRYPTION_KEYS (keeping the old one after it),
deploy, run this command, then drop the old key. Secrets no configured key opens are named
and left as they are.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...encryption import SecretUnreadable, reencrypt
from ...models import TOTPDevice


class Command(BaseCommand):
    help = "Encrypt every TOTP secret again with the first key of MFA_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = 0
        unreadable: list[int] = []
        for pk in TOTPDevice.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                device = TOTPDevice.objects.select_for_update().filter(pk=pk).first()
                if device is None:
                    continue
                try:
                    device.encrypted_secret = reencrypt(device.encrypted_secret)
                except SecretUnreadable:
                    unreadable.append(pk)
                    continue
                device.save(update_fields=["encrypted_secret"])
                rotated += 1
        self.stdout.write(f"Encrypted {rotated} TOTP secret(s) with the first key.")
        if unreadable:
            raise CommandError(f"No configured key decrypts the TOTP secrets of authenticators {unreadable}.")
