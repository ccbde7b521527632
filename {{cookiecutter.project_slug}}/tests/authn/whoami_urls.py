"""A URLconf with an ordinary authenticated endpoint, for tests of authentication itself (`@with_whoami`)."""

import pytest
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

WHOAMI_URL = "/whoami/"


class WhoAmIView(APIView):
    """An ordinary authenticated endpoint: it uses request.user and nothing else."""

    def get(self, request):
        return Response({"id": str(request.user.pk)})


urlpatterns = [
    path("whoami/", WhoAmIView.as_view()),
    path("api/auth/", include("{{ cookiecutter.project_slug }}.authn.urls")),
]
# Routes the marked test with this URLconf.
with_whoami = pytest.mark.urls(__name__)
