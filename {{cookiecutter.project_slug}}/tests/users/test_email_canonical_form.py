"""One account per mailbox: every email is stored and looked up in one canonical form.

The canonical form is Unicode NFKC, the domain as its IDNA 2008 A-label (UTS 46
mapping), lower case. An address that holds an invisible, format, control or space
character, or whose domain is not a valid host name, has no canonical form and is refused.
"""

import pytest
from django.contrib.auth import {% if cookiecutter.auth_role != "client_service" %}authenticate, {% endif %}get_user_model
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from {{ cookiecutter.project_slug }}.users.managers import EmailAddressInvalid, normalize_email

from ..factories import {% if cookiecutter.auth_role != "client_service" %}DEFAULT_PASSWORD, {% endif %}UserFactory
from .spellings import FULL_WIDTH_BOB

User = get_user_model()

SOFT_HYPHEN = "\u00ad"
ZERO_WIDTH_SPACE = "\u200b"
CANONICAL_FORMS = [
    ("Bob@Example.COM", "bob@example.com"),
    ("  bob@example.com  ", "bob@example.com"),
    (FULL_WIDTH_BOB, "bob@example.com"),
    ("\u212aate@example.com", "kate@example.com"),  # the Kelvin sign
    ("bob\uff20example.com", "bob@example.com"),  # a full-width commercial at
    ("bob@M\u00dcNCHEN.de", "bob@xn--mnchen-3ya.de"),
    ("bob@mu\u0308nchen.de", "bob@xn--mnchen-3ya.de"),  # NFD: u and a combining diaeresis
    ("bob@xn--mnchen-3ya.de", "bob@xn--mnchen-3ya.de"),
    ("bob@example\u3002com", "bob@example.com"),  # an ideographic full stop
    ("bob+tag@example.com", "bob+tag@example.com"),
]
REFUSED = [
    f"bob@exa{SOFT_HYPHEN}mple.com",
    f"bob@exa{ZERO_WIDTH_SPACE}mple.com",
    f"b{SOFT_HYPHEN}ob@example.com",
    f"b{ZERO_WIDTH_SPACE}ob@example.com",
    "bob@example.com\u202e",  # a bidi override
    "\ufeffbob@example.com",  # a byte order mark
    "bob@example.com\x00",
    "bob\r\n@example.com",
    "bob\u00a0@example.com",  # a no-break space inside
    "bob@exam ple.com",
    "bob@ex_ample.com",
    "bob@xn--abc.com",  # an A-label that decodes to no valid U-label
    "bob@example.com.",
    "bob@[127.0.0.1]",
    "bob",
    "@example.com",
    "bob@",
    "b" * 250 + "@example.com",
]


@pytest.mark.parametrize(("spelling", "canonical"), CANONICAL_FORMS)
def test_every_spelling_of_an_address_has_one_canonical_form(spelling, canonical):
    assert normalize_email(spelling) == canonical
    assert normalize_email(canonical) == canonical, "the canonical form must be its own canonical form"


def describe(email):
    """A test id for `email`: its ASCII spelling, or its length when it is long."""
    return ascii(email) if len(email) < 40 else f"{len(email)}-characters"


@pytest.mark.parametrize("email", REFUSED, ids=describe)
def test_an_address_without_a_canonical_form_is_refused(email):
    with pytest.raises(EmailAddressInvalid):
        normalize_email(email)


@pytest.mark.django_db
def test_two_spellings_of_one_mailbox_cannot_be_two_accounts():
    User.objects.create_user("bob@example.com")
    for spelling in ["Bob@Example.COM", FULL_WIDTH_BOB]:
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_user(spelling)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_an_idn_address_is_stored_as_its_a_label_and_found_by_either_spelling():
    user = User.objects.create_user("Dora@M\u00fcnchen.de")
    assert user.email == "dora@xn--mnchen-3ya.de"
    assert User.objects.get_by_email("dora@m\u00fcnchen.de") == user
    assert User.objects.get_by_email("dora@xn--mnchen-3ya.de") == user


@pytest.mark.django_db
@pytest.mark.parametrize("email", [f"bob@exa{SOFT_HYPHEN}mple.com", f"bob@exa{ZERO_WIDTH_SPACE}mple.com"], ids=ascii)
def test_a_look_alike_with_an_invisible_character_finds_no_account_and_creates_none(email):
    UserFactory(email="bob@example.com")
    assert User.objects.get_by_email(email) is None, "a look-alike must not reach the account it imitates"
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key(email)
    with pytest.raises(EmailAddressInvalid):
        User.objects.create_user(email)
    assert User.objects.count() == 1
{%- if cookiecutter.auth_role != "client_service" %}


@pytest.mark.django_db
def test_authentication_finds_the_account_by_any_spelling_and_refuses_a_look_alike():
    UserFactory(email="dora@xn--mnchen-3ya.de")
    assert authenticate(email="Dora@M\u00fcnchen.de", password=DEFAULT_PASSWORD) is not None
    assert authenticate(email="dora@xn--mnchen-3ya.de", password=DEFAULT_PASSWORD) is not None
    assert authenticate(email=f"dora@m\u00fcn{SOFT_HYPHEN}chen.de", password=DEFAULT_PASSWORD) is None
{%- endif %}


def add_user(client, email):
    """Submit the admin's add-user form for `email`."""
    admin = User.objects.create_superuser("admin@example.com", "an-admin-password")
    client.force_login(admin)
    form = {"email": email, "usable_password": "true", "password1": "x-Long-pass-9", "password2": "x-Long-pass-9"}
    return client.post("/admin/users/user/add/", form)


@pytest.mark.django_db
def test_the_admin_stores_a_new_address_in_its_canonical_form(client):
    response = add_user(client, "Dora@M\u00fcnchen.de")
    assert response.status_code == 302, response.content
    assert User.objects.filter(email="dora@xn--mnchen-3ya.de").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("email", [f"bob@exa{SOFT_HYPHEN}mple.com", f"bob@exa{ZERO_WIDTH_SPACE}mple.com"], ids=ascii)
def test_the_admin_refuses_an_address_with_an_invisible_character(client, email):
    response = add_user(client, email)
    assert response.status_code == 200, "the form must be shown again with an error"
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.count() == 1, "only the admin exists"


@pytest.mark.django_db
def test_the_admin_refuses_the_unicode_spelling_of_an_existing_idn_address(client):
    UserFactory(email="dora@xn--mnchen-3ya.de")
    response = add_user(client, "dora@m\u00fcnchen.de")
    assert response.status_code == 200, "the admin must refuse a second spelling of one mailbox"
    assert User.objects.filter(email__startswith="dora@").count() == 1


@pytest.mark.django_db
def test_createsuperuser_stores_the_canonical_form(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Admin@M\u00fcnchen.de")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "an-admin-password")
    call_command("createsuperuser", interactive=False, verbosity=0)
    assert User.objects.get(email="admin@xn--mnchen-3ya.de").is_superuser


@pytest.mark.django_db
def test_createsuperuser_refuses_an_address_with_an_invisible_character(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", f"admin@exa{SOFT_HYPHEN}mple.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "an-admin-password")
    with pytest.raises(CommandError, match="valid email address"):
        call_command("createsuperuser", interactive=False, verbosity=0)
    assert not User.objects.exists()
