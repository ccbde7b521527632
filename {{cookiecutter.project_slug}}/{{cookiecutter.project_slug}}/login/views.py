"""Scenario login: `GET options/` lists the ways to log in, `POST login/<scenario>/` runs one step."""

from __future__ import annotations

from typing import Any

from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..api.openapi import AutoSchema, ErrorCode, validation_codes
from ..authn.conf import gatehouse_settings
from ..authn.errors import LOGIN_FLOW_ERRORS
from ..authn.serializers import LOGIN_ANSWER_DESCRIPTION, LoginOptionsSerializer, login_answer_serializer
from ..authn.transports.base import get_transport
from .engine import ScenarioRunner
from .openapi import SCENARIO_PARAMETER, flow_steps, one_of_the_bodies, step_bodies
from .scenarios import enabled_scenarios, get_scenario
from .scenarios.schemas import VALIDATION_CODES


class LoginStepSchema(AutoSchema):
    """The schema of `login/<scenario>/`: the body of any enabled step. Each scenario also has an operation of
    its own, with only its steps' bodies (login/openapi.py)."""

    def get_request_serializer(self) -> Any:
        bodies = step_bodies()
        for name, schema in bodies.items():
            # Client generators name a model after its title: the component's name is unique, a step's title not.
            self.register_component(name, {**schema, "title": name})
        names = list(bodies)
        if not names:
            return OpenApiTypes.OBJECT
        # A dict maps media types to raw schemas.
        return {"application/json": one_of_the_bodies(names)}

    def get_override_parameters(self) -> list[Any]:
        scenario = OpenApiParameter(
            SCENARIO_PARAMETER,
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            pattern=r"^[-a-zA-Z0-9_]+$",
            description="The key of a scenario of `options/`.",
        )
        return [*super().get_override_parameters(), scenario]


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
    schema = LoginStepSchema()

    @property
    def openapi_errors(self) -> list[type[APIException] | ErrorCode]:
        """What a step may answer: the engine's errors, each enabled step's own, and the validation of its body."""
        steps = [step for scenario in enabled_scenarios() for step in flow_steps(scenario)]
        return [
            *LOGIN_FLOW_ERRORS,
            *gatehouse_settings.TOKEN_TRANSPORT.cookie_request_errors,
            *(error for step in steps for error in step.errors),
            *validation_codes(VALIDATION_CODES),
        ]

    @extend_schema(
        # No credentials: a client generated from the schema logs in without a token.
        auth=[],
        responses={
            200: OpenApiResponse(
                login_answer_serializer(gatehouse_settings.TOKEN_TRANSPORT.login_serializer),
                description=LOGIN_ANSWER_DESCRIPTION,
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
