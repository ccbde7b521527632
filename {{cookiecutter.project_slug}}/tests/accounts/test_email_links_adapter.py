"""The links of account emails are the adapter's: a project points them at its own pages or app.

Reset links and the sign-in link of the password notice are made by the adapter's
`password_reset_url()` and `frontend_url()`; what a link carries (`uid`, `token`)
still sets the password when it is posted back.
"""

import pytest
from django.contrib.auth import get_user_model

from {{ cookiecutter.project_slug }}.authn.adapter import GatehouseAdapter

from ..factories import UserFactory
from .helpers import emails_to

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "brand new sturdy lantern"
APP_HOME = "exampleapp://home"


class AppLinksAdapter(GatehouseAdapter):
    """Reset links open the mobile app, with the uid and token in its own path; other links go to its home."""

    def password_reset_url(self, user, *, uid: str, token: str) -> str:
        """exampleapp://reset/<uid>/<token>"""
        return f"exampleapp://reset/{uid}/{token}"

    def frontend_url(self, path: str, **query: str) -> str:
        """The app's home screen, whatever page was meant."""
        return APP_HOME


@pytest.fixture(autouse=True)
def app_links(settings):
    settings.GATEHOUSE = {**settings.GATEHOUSE, "ADAPTER": f"{__name__}.AppLinksAdapter"}


def test_the_reset_email_carries_the_adapters_link(accounts):
    bob = UserFactory(email="bob@example.com")
    accounts.post("password/reset/", {"email": bob.email})
    (message,) = emails_to(bob.email)
    links = [word for word in message.body.split() if word.startswith("exampleapp://reset/")]
    assert len(links) == 1, message.body
    assert links[0] in message.alternatives[0][0], "the HTML part carries the same link"


def test_the_adapters_reset_link_sets_the_password(accounts):
    bob = UserFactory(email="bob@example.com")
    accounts.post("password/reset/", {"email": bob.email})
    (message,) = emails_to(bob.email)
    [link] = [word for word in message.body.split() if word.startswith("exampleapp://reset/")]
    uid, token = link.removeprefix("exampleapp://reset/").split("/")
    response = accounts.post("password/reset/confirm/", {"uid": uid, "token": token, "password": NEW_PASSWORD})
    assert response.status_code == 200, response.content
    assert get_user_model().objects.get(pk=bob.pk).check_password(NEW_PASSWORD)


def test_the_password_notice_links_where_the_adapter_says(accounts):
    bob = UserFactory(email="bob@example.com")
    accounts.post("password/reset/", {"email": bob.email})
    [link] = [word for word in emails_to(bob.email)[0].body.split() if word.startswith("exampleapp://reset/")]
    uid, token = link.removeprefix("exampleapp://reset/").split("/")
    accounts.post("password/reset/confirm/", {"uid": uid, "token": token, "password": NEW_PASSWORD})
    notice = emails_to(bob.email)[-1]
    assert "changed" in notice.subject.lower(), notice.subject
    assert APP_HOME in notice.body
    assert "http" not in notice.body, "no link goes to FRONTEND_URL when the adapter moves them"
