"""The user model logs in by email, one account per mailbox whatever its case."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction

from ..factories import {% if cookiecutter.auth_role != "client_service" %}DEFAULT_PASSWORD, {% endif %}UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_user_model_has_no_username_field():
    field_names = {field.name for field in User._meta.get_fields()}
    assert "username" not in field_names
    assert User.USERNAME_FIELD == "email"


def test_create_user_stores_the_email_lower_cased():
    user = User.objects.create_user("Alice@Example.COM", "a-long-password")
    assert user.email == "alice@example.com"


def test_same_email_in_another_case_is_refused_as_a_duplicate():
    User.objects.create_user("Alice@Example.com", "a-long-password")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("alice@example.com", "another-password")
    assert User.objects.count() == 1


def test_database_refuses_a_mixed_case_email_written_around_the_manager():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="Bob@Example.com")])
{%- if cookiecutter.auth_role != "client_service" %}


def test_login_lookup_ignores_case():
    UserFactory(email="carol@example.com")
    assert authenticate(email="CAROL@example.com", password=DEFAULT_PASSWORD) is not None
    assert User.objects.get_by_natural_key("Carol@EXAMPLE.com").email == "carol@example.com"
{%- endif %}


def test_user_without_password_cannot_authenticate():
    User.objects.create_user("nopassword@example.com")
    assert authenticate(email="nopassword@example.com", password="") is None


def test_user_ids_are_random_uuids():
    first, second = UserFactory(), UserFactory()
    assert first.pk != second.pk
    assert first.pk.version == 4


def test_createsuperuser_reads_email_and_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Admin@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "an-admin-password")
    call_command("createsuperuser", interactive=False, verbosity=0)
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password("an-admin-password")


def test_superuser_must_be_staff():
    with pytest.raises(ValueError, match="is_staff"):
        User.objects.create_superuser("root@example.com", "pw-pw-pw-pw", is_staff=False)


def test_admin_lists_and_searches_users(client):
    admin = User.objects.create_superuser("admin@example.com", "an-admin-password")
    UserFactory(email="findme@example.com", first_name="Findable")
    client.force_login(admin)
    response = client.get("/admin/users/user/", {"q": "Findable"})
    assert response.status_code == 200
    assert b"findme@example.com" in response.content


def test_admin_creates_a_user_with_a_case_insensitive_unique_email(client):
    admin = User.objects.create_superuser("admin@example.com", "an-admin-password")
    client.force_login(admin)
    form = {
        "email": "Admin@EXAMPLE.com",
        "usable_password": "true",
        "password1": "x-Long-pass-9",
        "password2": "x-Long-pass-9",
    }
    response = client.post("/admin/users/user/add/", form)
    assert response.status_code == 200, "the admin must refuse a duplicate email in another case"
    assert User.objects.count() == 1
