"""Signals of the user model that other apps hook into, so that the users app depends on none of them."""

from django.dispatch import Signal

# After staff deactivated an account in the admin (`sender` is the User class). Arguments:
# request, user. The sessions app ends the user's sessions on it.
user_deactivated = Signal()
