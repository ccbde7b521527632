"""Top-level URLs: the API under /api/, the admin, the health check and the API docs."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from {{ cookiecutter.project_slug }}.api.health import HealthView
{%- if cookiecutter.auth_role == "auth_service" %}
from {{ cookiecutter.project_slug }}.sessions.jwks_views import JWKSView
{%- endif %}

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("health/", HealthView.as_view(), name="health"),
    path("api/auth/", include("{{ cookiecutter.project_slug }}.authn.urls")),
    {%- if cookiecutter.auth_role == "client_service" %}
    # The login, session and account endpoints and `PATCH me/` are the auth service's, proxied for one origin.
    path("api/auth/", include("{{ cookiecutter.project_slug }}.remote.urls")),
    {%- else %}
    path("api/auth/", include("{{ cookiecutter.project_slug }}.login.urls")),
    path("api/auth/", include("{{ cookiecutter.project_slug }}.sessions.urls")),
    path("api/auth/", include("{{ cookiecutter.project_slug }}.accounts.urls")),
    {%- if cookiecutter.use_social_login == "y" %}
    path("api/auth/", include("{{ cookiecutter.project_slug }}.social.urls")),
    {%- endif %}
    {%- if cookiecutter.use_mfa == "y" %}
    path("api/auth/mfa/", include("{{ cookiecutter.project_slug }}.mfa.urls")),
    {%- endif %}
    {%- endif %}
    {%- if cookiecutter.auth_role == "auth_service" %}
    path(".well-known/jwks.json", JWKSView.as_view(), name="jwks"),
    {%- endif %}
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    {%- if cookiecutter.use_account_pages == "y" and cookiecutter.auth_role != "client_service" %}
    # Last: the account pages own `/` and the paths of the emailed links.
    path("", include("{{ cookiecutter.project_slug }}.pages.urls")),
    {%- endif %}
]

# Errors outside DRF views answer in the same JSON shape as the API's own errors.
handler400 = "{{ cookiecutter.project_slug }}.api.errors.bad_request"
handler403 = "{{ cookiecutter.project_slug }}.api.errors.permission_denied"
handler404 = "{{ cookiecutter.project_slug }}.api.errors.page_not_found"
handler500 = "{{ cookiecutter.project_slug }}.api.errors.server_error"
