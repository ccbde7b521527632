"""Signals a project connects to in order to hook into authentication.

Every signal is sent with `sender` set to the class that sends it and the `request`.
"""

from django.dispatch import Signal

# Scenario login: `sender` is the scenario's class, `scenario` the Scenario instance, `step`
# the step's key, and `user` the account the flow is bound to (None before a step names
# one, and when no account has the address given).

# Before a scenario's first step runs. Arguments: request, scenario.
login_started = Signal()
# After a step succeeded and its flow moved on. Arguments: request, scenario, step, user (or None).
step_completed = Signal()
# After the last step succeeded and tokens were issued. Arguments: request, scenario, user.
login_succeeded = Signal()
# After a step failed. Arguments: request, scenario, step, code (the error code), user (or None).
login_failed = Signal()
# After a wrong answer was counted against its account and client (login/lockout.py). `sender` is
# the Attempt class. Arguments: request, identifier (the normalized email submitted, or None),
# scenario (its key), step (its key), code (the error code).
login_attempt_failed = Signal()
# After a wrong answer locked its account or client out. `sender` is the Attempt class. Arguments:
# request, identifier, scenario, step, budget ("account" or "ip").
locked_out = Signal()
# After a refresh token was blacklisted by `logout/`. Arguments: request, user (or None).
logged_out = Signal()
# After every refresh token of a user was revoked by `logout/all/`. Arguments: request, user.
logged_out_everywhere = Signal()
# After a refresh token that its family had already replaced was presented again, and the
# whole family was revoked (sessions/service.py). `sender` is the RefreshToken class. Arguments:
# request (None when the caller had none), user, family (the family's id).
refresh_reuse_detected = Signal()
# After a session was ended by its user (`DELETE sessions/<id>/`) or by staff in the admin.
# Arguments: request, user (the session's), session (its id), forget_device (whether the device
# of its login is to be forgotten: `?forget_device=true`, or always from the admin).
session_ended = Signal()
# After a request was authenticated by an access token (authn/authentication.py), on every such
# request: receivers must be cheap. `sender` is the authentication class. Arguments: request, token.
# Its receivers are looked up once per sender (use_caching), not on every request.
access_token_authenticated = Signal(use_caching=True)

# Accounts: `sender` is the view's class. A `pre_` signal is sent once the request is
# well-formed, before anything changes; a receiver may raise an APIException to refuse
# the request (nothing has been written yet). A `post_` signal is sent once the change
# is saved; its emails leave when the transaction commits.

# Before a registration is saved. Arguments: request, email (normalized), first_name, last_name.
pre_registration = Signal()
# After a registration. Arguments: request, user, created. `created` is False when the address
# already had an account: nothing was created, and that account was emailed instead.
post_registration = Signal()
# Before an account is activated by its link. Arguments: request, user.
pre_activation = Signal()
# After an account was activated. Arguments: request, user.
post_activation = Signal()
# Before a password reset email is queued. Arguments: request, email (normalized), user (or None:
# no active account has the address, and nothing will be sent).
pre_password_reset_request = Signal()
# After a password reset email was queued. Arguments: request, email, user (or None).
post_password_reset_request = Signal()
# Before a password is reset through a valid link. Arguments: request, user.
pre_password_reset = Signal()
# After a password was reset and every refresh token of the user revoked. Arguments: request, user.
post_password_reset = Signal()
# After an authenticated user gave their password again and got a fresh token pair in the same
# session (`reauthenticate/`). Arguments: request, user.
post_reauthentication = Signal()
# Before an authenticated user's password is changed (the current one was right). Arguments: request, user.
pre_password_change = Signal()
# After a password was changed and every refresh token of the user revoked. Arguments: request, user.
post_password_change = Signal()

# Before an authenticated user's account is deleted (the password was right). Arguments: request, user.
pre_account_deletion = Signal()
# After an account was deleted with every session. Arguments: request, user (the deleted instance,
# whose pk is now None), user_id (its former id), identifier (its email).
post_account_deletion = Signal()

# Before an email change is asked for (the body is well-formed, the login recent). Arguments:
# request, user, new_email (canonical).
pre_email_change_request = Signal()
# Before a confirmed email change is saved. Arguments: request, user, new_email.
pre_email_change = Signal()
# After the login moved to the new address and the other sessions ended. Arguments: request, user, old_email.
post_email_change = Signal()

# Second factors (the mfa app). After a factor was added: TOTP confirmed, or a passkey registered.
# Arguments: request (None when staff acted in the admin), user, factor ("totp", "passkey").
second_factor_added = Signal()
# After a factor was removed (or, with factor "all", every factor, by staff). Arguments: request, user, factor.
second_factor_removed = Signal()
# After a recovery code was used, in a login or a reauthentication. Arguments: request, user, remaining.
recovery_code_used = Signal()
