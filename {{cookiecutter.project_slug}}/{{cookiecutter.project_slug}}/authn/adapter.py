"""The decisions a project makes differently, in one class that GATEHOUSE["ADAPTER"] names.

As django-allauth's `DefaultAccountAdapter` is, the adapter is policy, not mechanism:
the apps keep the outbox, the counters, the flows and the link tokens, and ask the
adapter only what a project may want to decide otherwise (who may register, how many
wrong answers lock an account, where the links of emails point, how a built email
leaves). A project subclasses `GatehouseAdapter`, overrides the methods it wants,
calling `super()` for the rest, and names its class in GATEHOUSE["ADAPTER"]
(docs/adapter.md); the system check `gatehouse.E014` refuses a path that does not
import or a class that is not a subclass.

The methods receive what they decide on (a request, an address, a built email), never
an object of a feature app, so that the core imports no feature app and this class is
the same in every project; a method whose app a project does not have is never called
there. An adapter is stateless: `get_adapter()` makes one instance per class and every
request and worker shares it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings

from .conf import gatehouse_settings

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.core.mail import EmailMessage
    from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    """At most `threshold` events within `window`: the one that reaches it locks for `cool_off`.

    The account's budget of wrong answers also has the two fields that only it reads
    (login/lockout.py): within its `window`, every `threshold`-th failure locks, each lock
    twice as long as the one before up to `max_cool_off`, and the `max_failures`-th
    locks until a password reset. None leaves that out (every lock lasts `cool_off`, no cap).
    """

    threshold: int
    window: timedelta
    cool_off: timedelta
    max_cool_off: timedelta | None = None
    max_failures: int | None = None


@dataclass(frozen=True)
class Limits:
    """The two budgets of one kind of event: per account (the submitted identifier) and per client address."""

    account: Limit
    client: Limit


class GatehouseAdapter:
    """The default decisions, from the GATEHOUSE settings: subclass it and name the subclass in GATEHOUSE["ADAPTER"]."""

    def is_open_for_registration(self, request: HttpRequest, email: str) -> bool:
        """Whether `register/` may create an account for `email` (normalized); False answers 403 `registration_closed`.

        Asked before anything else happens, so a refusal tells nothing about whether
        the address has an account; keep it that way (decide on the address, the request
        or the date, never on a lookup of existing accounts). The default: always open.
        """
        return True

    def lockout_limits(self, request: HttpRequest, *, identifier: str | None, scenario: str, step: str) -> Limits:
        """The budgets of wrong answers that lock an account and a client address (login/lockout.py).

        `identifier` is the submitted one (a normalized email, whether or not an account
        has it, or None), `scenario` the login scenario's key (`accounts` for
        `password/change/`, `admin` for the admin's login page), `step` the step's key. The
        counts are shared by every scenario and step: the limits given for the answer being
        counted decide whether it locks. The default: every LOCKOUT_ACCOUNT_THRESHOLD-th
        wrong answer within LOCKOUT_ACCOUNT_WINDOW locks the account, for LOCKOUT_COOL_OFF
        doubling up to LOCKOUT_MAX_COOL_OFF, and the LOCKOUT_ACCOUNT_MAX_FAILURES-th until a
        password reset; LOCKOUT_IP_THRESHOLD wrong answers within LOCKOUT_WINDOW lock the
        client address for LOCKOUT_COOL_OFF.
        """
        cool_off = gatehouse_settings.LOCKOUT_COOL_OFF
        return Limits(
            account=Limit(
                gatehouse_settings.LOCKOUT_ACCOUNT_THRESHOLD,
                gatehouse_settings.LOCKOUT_ACCOUNT_WINDOW,
                cool_off,
                max_cool_off=gatehouse_settings.LOCKOUT_MAX_COOL_OFF,
                max_failures=gatehouse_settings.LOCKOUT_ACCOUNT_MAX_FAILURES,
            ),
            client=Limit(gatehouse_settings.LOCKOUT_IP_THRESHOLD, gatehouse_settings.LOCKOUT_WINDOW, cool_off),
        )

    def email_limits(self, request: HttpRequest, *, identifier: str | None, scenario: str, step: str) -> Limits:
        """The budgets of emails requested for an address and by a client address (login/lockout.py).

        Asked by every request that sends an email to an address it names: the login step
        that emails a code (`verify` of the built-in scenarios, as the flow reaches it),
        `register/`, `register/resend/` and `password/reset/` (`scenario` `accounts`, `step`
        `register`, `register-resend` or `password-reset`). Password reset emails are
        counted in budgets of their own, apart from every other email. The default: EMAIL_ACCOUNT_LIMIT and
        EMAIL_IP_LIMIT within EMAIL_WINDOW, which is also how long the cap holds.
        """
        window = gatehouse_settings.EMAIL_WINDOW
        return Limits(
            account=Limit(gatehouse_settings.EMAIL_ACCOUNT_LIMIT, window, window),
            client=Limit(gatehouse_settings.EMAIL_IP_LIMIT, window, window),
        )

    def frontend_url(self, path: str, **query: str) -> str:
        """The link to the frontend page at `path` with `query`: FRONTEND_URL, never the Host of a request.

        Every link of every email is made here, so that one override moves them all (to
        another host, or to an app's own URL scheme).
        """
        url = f"{settings.FRONTEND_URL.rstrip('/')}/{path.lstrip('/')}"
        return f"{url}?{urlencode(query)}" if query else url

    def activation_url(self, user: AbstractBaseUser, *, uid: str, token: str) -> str:
        """The link of an activation email: the frontend page that posts `uid` and `token` to `register/activate/`."""
        return self.frontend_url(gatehouse_settings.ACTIVATION_URL_PATH, uid=uid, token=token)

    def password_reset_url(self, user: AbstractBaseUser, *, uid: str, token: str) -> str:
        """The link of a reset email: the frontend page that posts `uid`, `token` and a password to `password/reset/confirm/`."""
        return self.frontend_url(gatehouse_settings.PASSWORD_RESET_URL_PATH, uid=uid, token=token)

    def email_change_url(self, user: AbstractBaseUser, *, uid: str, token: str) -> str:
        """The link of an email change confirmation: the frontend page that posts `uid` and `token` to `email/change/confirm/`."""
        return self.frontend_url(gatehouse_settings.EMAIL_CHANGE_URL_PATH, uid=uid, token=token)

    def send_email(self, message: EmailMessage, *, kind: str, user: AbstractBaseUser) -> None:
        """Send one built email of `kind` (an outbox kind: `login_code`, `activation`...) to the account `user`.

        Called by the mail worker once the outbox has claimed the email, never in the
        request that queued it: altering the message (headers, a reply-to) or sending it
        another way (a provider's API) belongs here, and the outbox still sends each email
        once and retries it. Raise the errors of `mail.messages.SEND_ERRORS` (smtplib's,
        ConnectionError, TimeoutError) for a failure worth retrying. The default: Django's
        EMAIL_BACKEND.
        """
        message.send()


@functools.cache
def adapter_instance(adapter_class: type[GatehouseAdapter]) -> GatehouseAdapter:
    """The one instance of `adapter_class` (adapters are stateless)."""
    return adapter_class()


def get_adapter() -> GatehouseAdapter:
    """The project's adapter: the instance of GATEHOUSE["ADAPTER"], imported and made once."""
    return adapter_instance(gatehouse_settings.ADAPTER)
