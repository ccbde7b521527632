"""Every account event sends a signal before and after it, with the arguments signals.py documents."""

import pytest

{% if cookiecutter.use_registration == "y" -%}
from {{ cookiecutter.project_slug }}.authn import signals

{% endif -%}
from ..factories import DEFAULT_PASSWORD, UserFactory
from ..login.helpers import captured_signals
from ..tokens import authenticated
from .helpers import (
    {%- if cookiecutter.use_registration == "y" %}
    activation_params,
    {%- endif %}
    emails_to,
    reset_params,
)

pytestmark = pytest.mark.django_db

PASSWORD = "sturdy lantern orchard"


def names_and_users(sent):
    return [(name, getattr(arguments.get("user"), "email", None)) for name, arguments in sent]
{%- if cookiecutter.use_registration == "y" %}


def test_registration_sends_pre_and_post_registration(accounts):
    with captured_signals("pre_registration", "post_registration") as sent:
        accounts.post("register/", {"email": "New@example.com", "password": PASSWORD, "first_name": "Ada"})
    assert [name for name, _ in sent] == ["pre_registration", "post_registration"]
    pre, post = sent[0][1], sent[1][1]
    assert (pre["email"], pre["first_name"], pre["last_name"]) == ("new@example.com", "Ada", "")
    assert (post["user"].email, post["created"]) == ("new@example.com", True)


def test_registering_a_known_address_says_nothing_was_created(accounts):
    UserFactory(email="known@example.com")
    with captured_signals("post_registration") as sent:
        accounts.post("register/", {"email": "known@example.com", "password": PASSWORD})
    assert [(arguments["user"].email, arguments["created"]) for _, arguments in sent] == [("known@example.com", False)]


def test_a_pre_registration_receiver_can_refuse_and_nothing_is_saved(accounts):
    from django.contrib.auth import get_user_model
    from rest_framework.exceptions import PermissionDenied

    def refuse(**kwargs):
        raise PermissionDenied("Registrations are closed.")

    signals.pre_registration.connect(refuse)
    try:
        response = accounts.post("register/", {"email": "new@example.com", "password": PASSWORD})
    finally:
        signals.pre_registration.disconnect(refuse)
    assert response.status_code == 403
    assert not get_user_model().objects.filter(email="new@example.com").exists()
    assert emails_to("new@example.com") == []


def test_activation_sends_pre_and_post_activation(accounts):
    accounts.post("register/", {"email": "new@example.com", "password": PASSWORD})
    link = activation_params(emails_to("new@example.com")[0])
    active_when_sent = []

    def note_state(user, **kwargs):
        active_when_sent.append(user.is_active)

    signals.pre_activation.connect(note_state)
    try:
        with captured_signals("pre_activation", "post_activation") as sent:
            accounts.post("register/activate/", link)
    finally:
        signals.pre_activation.disconnect(note_state)
    assert names_and_users(sent) == [("pre_activation", "new@example.com"), ("post_activation", "new@example.com")]
    assert active_when_sent == [False], "pre_activation comes before the change"
{%- endif %}


def test_a_reset_request_sends_its_signals_with_the_account_or_none(accounts):
    UserFactory(email="bob@example.com")
    with captured_signals("pre_password_reset_request", "post_password_reset_request") as sent:
        accounts.post("password/reset/", {"email": "bob@example.com"})
        accounts.post("password/reset/", {"email": "nobody@example.com"})
    assert [(name, arguments["email"], getattr(arguments["user"], "email", None)) for name, arguments in sent] == [
        ("pre_password_reset_request", "bob@example.com", "bob@example.com"),
        ("post_password_reset_request", "bob@example.com", "bob@example.com"),
        ("pre_password_reset_request", "nobody@example.com", None),
        ("post_password_reset_request", "nobody@example.com", None),
    ]


def test_a_reset_sends_pre_and_post_password_reset(accounts):
    UserFactory(email="bob@example.com")
    accounts.post("password/reset/", {"email": "bob@example.com"})
    link = reset_params(emails_to("bob@example.com")[0])
    with captured_signals("pre_password_reset", "post_password_reset") as sent:
        accounts.post("password/reset/confirm/", {**link, "password": "brand new sturdy lantern"})
    assert names_and_users(sent) == [
        ("pre_password_reset", "bob@example.com"),
        ("post_password_reset", "bob@example.com"),
    ]


def test_a_change_sends_pre_and_post_password_change(accounts):
    from {{ cookiecutter.project_slug }}.sessions.service import issue_tokens

    bob = UserFactory(email="bob@example.com")
    access = issue_tokens(bob).access
    with captured_signals("pre_password_change", "post_password_change") as sent:
        accounts.post(
            "password/change/",
            {"old_password": DEFAULT_PASSWORD, "new_password": "brand new sturdy lantern"},
            **authenticated(access),
        )
    assert names_and_users(sent) == [
        ("pre_password_change", "bob@example.com"),
        ("post_password_change", "bob@example.com"),
    ]
