"""Authenticating requests by their Bearer access token.

GATEHOUSE["TOKEN_USER_SOURCE"] decides what `request.user` is: "claims" builds it
from the token (authn/token_user.py: no query for what the claims carry, the row read
lazily for the rest), "database" loads the user row (one query for the columns
authentication needs, and a deactivated or deleted user is refused at once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework_simplejwt import authentication as simplejwt_authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from .conf import auth_cookie_names, gatehouse_settings
from .errors import TokenNotValid
from .signals import access_token_authenticated
from .token_user import CLAIMED_FIELDS, ClaimsUser
from .tokens import check_token_version
from .transports.base import get_transport

if TYPE_CHECKING:
    from ..users.models import User

# A message of simplejwt's that reaches clients as a `detail` and that its own catalogues lack in a language
# this project ships (its French): ours has it, and gettext takes a message from whichever installed app
# translates it. The others it lacks are raised here and in tokens.py, in our words.
SIMPLEJWT_MESSAGES = (gettext_noop("Authorization header must contain two space-delimited values"),)
# The values of GATEHOUSE["TOKEN_USER_SOURCE"].
FROM_CLAIMS = "claims"
FROM_DATABASE = "database"
TOKEN_USER_SOURCES = (FROM_CLAIMS, FROM_DATABASE)


def token_error_detail(error: AuthenticationFailed) -> str:
    """The most telling message of a simplejwt authentication error, as one line."""
    detail = error.detail
    if not isinstance(detail, dict):
        return str(detail)
    messages = detail.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        return str(messages[0]["message"])
    return str(detail.get("detail", TokenNotValid.default_detail))


class JWTAuthentication(simplejwt_authentication.JWTAuthentication):
    """simplejwt's Bearer authentication, also reading the access cookie, with the user taken from TOKEN_USER_SOURCE.

    Where the access token comes from is the transport's choice (GATEHOUSE["TOKEN_TRANSPORT"]):
    the `Authorization` header, the access cookie, or either. When a request has both, the
    header decides and the cookie is ignored, so one request never mixes two identities. A
    cookie authenticates an unsafe request only with a valid CSRF token (authn/transports/csrf.py).

    Every failure is a TokenNotValid (401, code `token_not_valid`) in the API's
    error shape, never simplejwt's nested error dict.
    """

    # What the OpenAPI schema lists for the operations this class authenticates (api/openapi.py).
    openapi_errors = (TokenNotValid,)

    @property
    def openapi_unsafe_method_errors(self) -> tuple[type[APIException], ...]:
        """What an unsafe request may also get: a failed CSRF check, when a cookie may authenticate it."""
        return gatehouse_settings.TOKEN_TRANSPORT.cookie_request_errors

    def authenticate(self, request: Request) -> tuple[Any, Token] | None:
        """The user and access token of the request, or None without one; sends `access_token_authenticated`.

        The signal is how the sessions app notes when a session was last used.
        """
        authenticated = self.read_token(request)
        if authenticated is not None:
            access_token_authenticated.send(sender=type(self), request=request, token=authenticated[1])
        return authenticated

    def read_token(self, request: Request) -> tuple[Any, Token] | None:
        """The user and access token of the request's header or cookie, as the transport reads them."""
        transport = get_transport()
        header = self.get_header(request) if transport.reads_bearer_header else None
        if header is not None:
            try:
                raw_token = self.get_raw_token(header)
            except AuthenticationFailed as error:
                raise TokenNotValid(token_error_detail(error)) from error
            # An Authorization header of another scheme belongs to another authentication class.
            return None if raw_token is None else self.validate(raw_token)
        cookie_token = transport.read_access_cookie(request)
        if cookie_token is None:
            return None
        return self.validate(cookie_token)

    def validate(self, raw_token: bytes | str) -> tuple[Any, Token]:
        """The user and validated access token that `raw_token` stands for; TokenNotValid otherwise."""
        try:
            # simplejwt annotates the raw token as bytes; the cookie's text decodes as well.
            validated_token = self.get_validated_token(raw_token)  # type: ignore[arg-type]
            # INSTANT_ACCESS_REVOCATION: one cache read; a revoked token is refused at once.
            check_token_version(validated_token)
            return self.get_user(validated_token), validated_token
        except AuthenticationFailed as error:
            raise TokenNotValid(token_error_detail(error)) from error

    def get_user(self, validated_token: Token) -> Any:
        """The model user ("database"), or the user made of the claims ("claims", SIMPLE_JWT["TOKEN_USER_CLASS"])."""
        if gatehouse_settings.TOKEN_USER_SOURCE == FROM_DATABASE:
            return self.get_database_user(validated_token)
        # As simplejwt's JWTStatelessUserAuthentication: a user made of the token's claims.
        if api_settings.USER_ID_CLAIM not in validated_token:
            raise TokenNotValid(gettext("Token contained no recognizable user identification"))
        return api_settings.TOKEN_USER_CLASS(validated_token)

    def get_database_user(self, validated_token: Token) -> Any:
        """simplejwt's user lookup, reading only the columns authentication and the claims need.

        The other fields are loaded when code reads them; the password hash only when
        SIMPLE_JWT["CHECK_REVOKE_TOKEN"] compares it with the token's claim.
        """
        if api_settings.USER_ID_CLAIM not in validated_token:
            raise TokenNotValid(gettext("Token contained no recognizable user identification"))
        fields = [api_settings.USER_ID_FIELD, "is_active", *CLAIMED_FIELDS]
        if api_settings.CHECK_REVOKE_TOKEN:
            fields.append("password")
        user = (
            self.user_model.objects.only(*fields)
            .filter(**{api_settings.USER_ID_FIELD: validated_token[api_settings.USER_ID_CLAIM]})
            .first()
        )
        if user is None:
            raise TokenNotValid(gettext("User not found"))
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise TokenNotValid(gettext("User is inactive"))
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise TokenNotValid(gettext("The user's password has been changed."))
        return user


def authenticated_user(request: Request) -> User:
    """The authenticated user's row: `request.user` itself with TOKEN_USER_SOURCE="database", else loaded by id.

    For the few endpoints that need the row (`me/`, `logout/all/`) whatever the
    source; a deleted or deactivated account is refused with TokenNotValid.
    """
    user_model = get_user_model()
    if isinstance(request.user, user_model):
        return request.user
    if isinstance(request.user, ClaimsUser):
        # The row it may already have read for this request.
        return request.user.loaded_row()
    # The plugin refuses None for a primary key lookup; Django takes it as `IS NULL`, which finds nobody.
    user = user_model.objects.filter(pk=request.user.pk).first()  # type: ignore[misc]
    if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
        raise TokenNotValid(gettext("The token's user is inactive or deleted."))
    return user


class JWTAuthenticationScheme(SimpleJWTScheme):
    """Describe JWTAuthentication in the OpenAPI schema: the Bearer scheme, the access cookie, or either."""

    # drf-spectacular's extensions take a class or its dotted path; SimpleJWTScheme's path made mypy infer str.
    target_class: str | type[object] | None = JWTAuthentication  # type: ignore[assignment]
    bearer_name = SimpleJWTScheme.name
    cookie_name = "cookieAuth"

    @property
    def name(self) -> list[str]:  # type: ignore[override]
        """The schemes the configured transport reads (drf-spectacular takes a list of names)."""
        transport = gatehouse_settings.TOKEN_TRANSPORT
        return [
            *([self.bearer_name] if transport.reads_bearer_header else []),
            *([self.cookie_name] if transport.sets_cookies else []),
        ]

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        definitions = {
            self.bearer_name: super().get_security_definition(auto_schema),
            self.cookie_name: {
                "type": "apiKey",
                "in": "cookie",
                "name": auth_cookie_names().access,
                "description": "The HttpOnly access cookie that a login sets. Unsafe requests it authenticates "
                "also need the `X-CSRFToken` header (the token of `GET csrf/`) and a same-site or trusted Origin.",
            },
        }
        return [definitions[name] for name in self.name]

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        # One requirement per scheme: either one authenticates (a list of dicts is an OR in OpenAPI).
        return [{name: []} for name in self.name]
