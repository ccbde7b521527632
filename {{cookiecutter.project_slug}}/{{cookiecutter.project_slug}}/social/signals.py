"""Signals of social login, for projects and the audit log (social/audit_events.py) to hook."""

from django.dispatch import Signal

# An identity was linked to an account: at its first sign-in. Arguments: request, user, identity, how
# ("new_account" or "email").
identity_linked = Signal()
# The user unlinked an identity (DELETE identities/<id>/). Arguments: request, user, identity.
identity_unlinked = Signal()
