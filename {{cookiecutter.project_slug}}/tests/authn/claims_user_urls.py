"""A URLconf with a project's own views on `request.user`, for the tests of the claims user (`@with_user_views`)."""

import pytest
from django.urls import path
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

PROFILE_URL = "/profile/"
JOINED_URL = "/joined/"
ADMIN_URL = "/staff-only/"


class ProfileView(APIView):
    """What a project's view reads of its user: the id, the email and the staff flags."""

    def get(self, request):
        user = request.user
        return Response(
            {"id": str(user.pk), "email": user.email, "is_staff": user.is_staff, "is_superuser": user.is_superuser}
        )


class JoinedView(APIView):
    """A view that reads a field no claim carries, twice."""

    def get(self, request):
        return Response({"date_joined": request.user.date_joined.isoformat(), "again": str(request.user.date_joined)})


class StaffOnlyView(APIView):
    """A view for staff only, as DRF's IsAdminUser decides."""

    permission_classes = [IsAdminUser]

    def get(self, request):
        return Response({})


urlpatterns = [
    path("profile/", ProfileView.as_view()),
    path("joined/", JoinedView.as_view()),
    path("staff-only/", StaffOnlyView.as_view()),
]
# Routes the marked test with this URLconf.
with_user_views = pytest.mark.urls(__name__)
