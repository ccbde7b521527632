"""Scenario login: `GET options/` lists the ways to log in, `POST login/<scenario>/` runs one step."""

from __future__ import annotations

from typing import Any

from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..authn.conf import gatehouse_settings
from ..authn.transports.base import get_transport
from .engine import ScenarioRunner
from .scenarios import enabled_scenarios, get_scenario


class LoginStepSerializer(serializers.Serializer):
    """A step as `options/` lists it."""

    key = serializers.CharField(read_only=True)
    schema = serializers.JSONField(read_only=True, help_text="The JSON Schema of the step's input.")


class LoginScenarioSerializer(serializers.Serializer):
    """A scenario as `options/` lists it."""

    key = serializers.CharField(read_only=True, help_text="The `<scenario>` of `login/<scenario>/`.")
    name = serializers.CharField(read_only=True)
    steps = LoginStepSerializer(many=True, read_only=True)


class LoginOptionsSerializer(serializers.Serializer):
    """The answer of `options/`."""

    scenarios = LoginScenarioSerializer(many=True, read_only=True)


class LoginNeedsStepSerializer(serializers.Serializer):
    """The answer of `login/<scenario>/` while steps remain."""

    status = serializers.CharField(read_only=True, help_text='Always "needs_step".')
    flow = serializers.CharField(read_only=True, help_text='The token to send as "flow" with the next step.')
    next_step = serializers.CharField(read_only=True)
    schema = serializers.JSONField(read_only=True, help_text="The JSON Schema of the next step's input.")
    expires_in = serializers.IntegerField(read_only=True, help_text="Seconds left to finish the flow.")


class OptionsView(APIView):
    """The enabled login scenarios, in order, with the JSON Schema of each step."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses=LoginOptionsSerializer)
    def get(self, request: Request) -> Response:
        """List the scenarios of GATEHOUSE["LOGIN_SCENARIOS"]."""
        scenarios = [scenario.describe() for scenario in enabled_scenarios()]
        return Response(LoginOptionsSerializer({"scenarios": scenarios}).data)


class LoginStepView(APIView):
    """Run the next step of a login flow of one scenario.

    The first step's body is just its fields; every later step adds the `flow` token of
    the previous answer. No answer of this view may be stored by a cache on the way.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="LoginAnswer",
                    serializers=[LoginNeedsStepSerializer, *gatehouse_settings.TOKEN_TRANSPORT.login_serializers],
                    resource_type_field_name=None,
                ),
                description='`"status": "needs_step"` while steps remain; after the last one, `"status": "complete"` '
                "with the user, and the tokens in the body or in the `access_token` and `refresh_token` cookies "
                "(HttpOnly), as the token transport says.",
            ),
        },
        description="The body is the current step's fields (see `options/`), plus `flow` after the first step. "
        "When tokens travel in cookies, every step needs the `X-CSRFToken` header (the token of `GET csrf/`) and a "
        "same-site or trusted Origin, or it is refused with 403 `csrf_failed`. When the client may choose, "
        "`Prefer: token-transport=body` asks for the tokens in the body instead of cookies.",
    )
    def post(self, request: Request, scenario: str) -> Response:
        """Run the step the flow waits for (the first step when the body has no `flow`)."""
        # Before anything runs: with cookies, a login needs the CSRF token (login CSRF).
        get_transport().check_login_request(request)
        return ScenarioRunner(get_scenario(scenario), request).run(request.data)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        # Answers carry flow tokens and, at the end, credentials: never cacheable, errors included.
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response
