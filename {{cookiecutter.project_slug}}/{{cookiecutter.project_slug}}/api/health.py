"""The health check that load balancers and orchestrators probe."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

logger = logging.getLogger(__name__)

HEALTHY = "ok"
UNHEALTHY = "unavailable"


def database_is_healthy() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database is unreachable")
        return False


def cache_is_healthy() -> bool:
    # A random key per probe: concurrent probes cannot read each other's value.
    key = f"health-check:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        healthy = cache.get(key) == value
        cache.delete(key)
        return healthy
    except Exception:
        logger.exception("Health check: the cache is unreachable")
        return False


# The answer, healthy (200) or not (503).
HEALTH_ANSWER = inline_serializer(
    name="Health",
    fields={
        "status": serializers.ChoiceField(choices=[HEALTHY, UNHEALTHY]),
        "checks": serializers.DictField(child=serializers.ChoiceField(choices=[HEALTHY, UNHEALTHY])),
    },
)


class HealthView(APIView):
    """Answer 200 when the database and the cache both work, 503 otherwise."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(responses={(200, "application/json"): HEALTH_ANSWER, (503, "application/json"): HEALTH_ANSWER})
    def get(self, request: Request) -> Response:
        checks = {
            "database": HEALTHY if database_is_healthy() else UNHEALTHY,
            "cache": HEALTHY if cache_is_healthy() else UNHEALTHY,
        }
        healthy = all(result == HEALTHY for result in checks.values())
        return Response(
            {"status": HEALTHY if healthy else UNHEALTHY, "checks": checks},
            status=status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE,
        )
