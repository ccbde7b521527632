"""The identities endpoints: `GET identities/` lists the user's linked identities, `DELETE identities/<id>/`
unlinks one (after a recent authentication, and never the account's last way in)."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..authn.authentication import authenticated_user
from ..authn.conf import gatehouse_settings
from ..authn.errors import IdentityNotFound, LastLoginMethod, ReauthenticationRequired
from ..authn.permissions import RecentAuthentication
from .identities import identities_of, unlink_identity
from .serializers import SocialIdentityListSerializer
from .signals import identity_unlinked


class IdentityListView(APIView):
    """The identities linked to the authenticated user's account, oldest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: SocialIdentityListSerializer})
    def get(self, request: Request) -> Response:
        """List the user's identities, each with its provider's name."""
        names = {key: str(config.get("name", key)) for key, config in gatehouse_settings.OIDC_PROVIDERS.items()}
        identities = identities_of(authenticated_user(request))
        serializer = SocialIdentityListSerializer({"identities": identities}, context={"provider_names": names})
        return Response(serializer.data)


class IdentityView(APIView):
    """Unlink one identity: it signs in to the account no more.

    Needs a recent authentication (401 `reauthentication_required`), as a thief with an access
    token must not remove the owner's way in; refused with 409 `last_login_method` when the
    account would be left with no usable password and no other identity.
    """

    permission_classes = [IsAuthenticated, RecentAuthentication]
    openapi_errors = (IdentityNotFound, LastLoginMethod, ReauthenticationRequired)

    @extend_schema(request=None, responses={204: OpenApiResponse(description="The identity is unlinked.")})
    def delete(self, request: Request, identity_id: UUID) -> Response:
        """Unlink the identity `identity_id` of the user."""
        user = authenticated_user(request)
        identity = unlink_identity(user, identity_id)
        identity_unlinked.send(sender=type(self), request=request, user=user, identity=identity)
        return Response(status=204)
