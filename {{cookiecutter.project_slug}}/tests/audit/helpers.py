"""Helpers of the tests that check what reaches the audit log."""

from __future__ import annotations

from django.core import serializers

from {{ cookiecutter.project_slug }}.audit.models import AuthEvent


def events(kind: str) -> list[AuthEvent]:
    """The audit events of `kind`, oldest first."""
    return list(AuthEvent.objects.filter(kind=kind).order_by("created_at"))


def assert_no_secrets(*secrets: str) -> None:
    """No audit row, in any field, holds any of `secrets`."""
    dumped = serializers.serialize("json", AuthEvent.objects.all())
    for secret in secrets:
        assert secret not in dumped, f"an audit row holds a secret: {secret[:12]}..."
