"""The account pages: one HTML document per URL, whose script draws the page from the API's answers.

The document holds what the script needs as JSON: where the API is, which of its endpoints this project
routes (GATEHOUSE["ENABLED_ENDPOINTS"]), whether tokens travel in cookies, and its texts in the request's
language. Nothing else: the script learns the rest from the public endpoints, as any frontend would.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import get_language
from django.views.generic import TemplateView

from ..authn.conf import gatehouse_settings
from ..authn.transports.base import get_transport
from .texts import page_texts

# The pages of the document, by the name of their route in urls.py.
PAGES = ("sign-in", "sign-up", "signed-in", "activate", "reset-password", "confirm-email", "account")
# The API endpoints the script calls, by URL name, each with arguments of a valid shape.
ENDPOINTS: dict[str, dict[str, Any]] = {
    "login:options": {},
    "login:login": {"scenario": "password"},
    "authn:me": {},
    "sessions:token-refresh": {},
    "sessions:logout": {},
    "sessions:sessions": {},
    "sessions:session": {"session_id": "0"},
    "accounts:register": {},
    "accounts:register-activate": {},
    "accounts:register-resend": {},
    "accounts:password-reset": {},
    "accounts:password-reset-confirm": {},
    "accounts:password-change": {},
    "accounts:reauthenticate": {},
    "accounts:email-change": {},
    "accounts:email-change-confirm": {},
    "accounts:account-delete": {},
    "mfa:mfa": {},
    "mfa:mfa-passkey-reauthentication-options": {},
    "social:identities": {},
}
# Where config/urls.py mounts every API endpoint, whichever of them GATEHOUSE["ENABLED_ENDPOINTS"] routes.
API_PATH = "api/auth/"
# Only this origin's own scripts, styles and images run or load; the QR code is a data: image.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def served_endpoints() -> list[str]:
    """The URL names of ENDPOINTS that this project routes."""
    served = []
    for name, arguments in ENDPOINTS.items():
        try:
            reverse(name, kwargs=arguments)
        except NoReverseMatch:
            continue
        served.append(name)
    return served


class PageView(TemplateView):
    """One of the account pages: the same document, told which page to draw first."""

    template_name = "pages/page.html"
    page = "sign-in"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        texts = page_texts()
        context["title"] = texts["titles"][self.page]
        context["language"] = get_language()
        context["config"] = {
            "page": self.page,
            "site": gatehouse_settings.SITE_NAME,
            "api": f"{get_script_prefix()}{API_PATH}",
            "endpoints": served_endpoints(),
            # With `both`, the pages take cookies: HttpOnly, so no script can read the tokens.
            "cookies": get_transport().sets_cookies,
            "paths": {page: reverse(f"pages:{page}") for page in PAGES},
            "texts": texts,
        }
        return context

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response
