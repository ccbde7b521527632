"""Authenticating requests with the auth service's access tokens, verified here.

The token is verified by the project's token backend, whose JWKS client
(GATEHOUSE["JWKS_CLIENT"], remote/jwks.py) finds the auth service's key by `kid`: the
signature, the pinned algorithm, `exp` (with SIMPLE_JWT["LEEWAY"]), `iss` and `aud` are
checked with no request to the auth service. `request.user` is a `CopyUser`
(remote/copy_user.py): the token's claims, and the local copy of the user, created or
updated from them, read only when code asks for more than they say, or when this
process has not lately seen the copy active and in step with them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from ..authn.authentication import JWTAuthentication, JWTAuthenticationScheme
from ..authn.errors import TokenNotValid
from .copy_user import CopyUser, copy_is_active


class RemoteJWTAuthentication(JWTAuthentication):
    """The project's JWT authentication, whose user is the local copy made from the token's claims.

    A copy deactivated here (is_active=False in this service's admin) is refused,
    whatever the auth service says: at once by the process that deactivated it, within
    GATEHOUSE["REMOTE_USER_COPY_CHECK_INTERVAL"] by the others (remote/copy_user.py).
    """

    def get_user(self, validated_token: Token) -> Any:
        if api_settings.USER_ID_CLAIM not in validated_token:
            raise TokenNotValid(_("Token contained no recognizable user identification"))
        user = CopyUser(validated_token)
        if not copy_is_active(user):
            raise TokenNotValid(_("The token's user is inactive here."))
        return user


class RemoteJWTAuthenticationScheme(JWTAuthenticationScheme):
    """Describe RemoteJWTAuthentication in the OpenAPI schema as the project's JWT authentication."""

    target_class = RemoteJWTAuthentication
