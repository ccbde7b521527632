"""Migration users 0002 brings stored emails to their canonical form, and keeps what it cannot change.

Rows are written as a database migrated to users 0001 could hold them (trimmed and
lower-cased only); the test then migrates forward as `manage.py migrate` does. Rows
that collide on one canonical form, and addresses without one, are left unchanged and
reported by id.
"""

import logging

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("users", "0001_initial")
AFTER = ("users", "0002_canonical_emails")
MIGRATION_LOGGER = "{{ cookiecutter.project_slug }}.users.migrations.0002_canonical_emails"


def migrate(target):
    """Migrate the users app to `target`, and return the app registry of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


@pytest.fixture
def old_users():
    """The User model as of users 0001; the database is migrated forward again after the test."""
    old_apps = migrate(BEFORE)
    yield old_apps.get_model("users", "User")
    migrate(AFTER)


def emails_after_migrating(old_users, emails):
    """Store `emails` as of users 0001, migrate to 0002, and return {stored before: stored after}."""
    rows = old_users.objects.bulk_create([old_users(email=email) for email in emails])
    new_users = migrate(AFTER).get_model("users", "User")
    after = dict(new_users.objects.values_list("pk", "email"))
    return {row.email: after[row.pk] for row in rows}


def reported_ids(caplog):
    """The ids that each of the migration's warnings names."""
    return [set(record.getMessage().split("(ids: ")[1].split(")")[0].split(", ")) for record in caplog.records]


def test_the_migration_canonicalises_stored_emails(old_users, caplog):
    caplog.set_level(logging.WARNING, logger=MIGRATION_LOGGER)
    full_width = "\uff42\uff4f\uff42@example.com"
    idn = "carol@m\u00fcnchen.de"
    result = emails_after_migrating(old_users, [full_width, idn, "dave@example.com"])
    assert result == {
        full_width: "bob@example.com",
        idn: "carol@xn--mnchen-3ya.de",
        "dave@example.com": "dave@example.com",
    }
    assert not caplog.records, "nothing to report when every row could be canonicalised"


def test_colliding_rows_are_all_kept_unchanged_and_reported(old_users, caplog):
    caplog.set_level(logging.WARNING, logger=MIGRATION_LOGGER)
    canonical, full_width_d = "dave@example.com", "\uff44ave@example.com"
    full_width_f, full_width_r = "\uff46rank@example.com", "f\uff52ank@example.com"
    result = emails_after_migrating(old_users, [canonical, full_width_d, full_width_f, full_width_r])
    assert result == {email: email for email in result}, "no row of a collision may be rewritten or lost"
    ids = dict(old_users.objects.values_list("email", "pk"))
    assert {frozenset(group) for group in reported_ids(caplog)} == {
        frozenset({str(ids[canonical]), str(ids[full_width_d])}),
        frozenset({str(ids[full_width_f]), str(ids[full_width_r])}),
    }


def test_an_address_without_a_canonical_form_is_kept_and_reported(old_users, caplog):
    caplog.set_level(logging.WARNING, logger=MIGRATION_LOGGER)
    soft_hyphen = "gus@exa\u00admple.com"
    result = emails_after_migrating(old_users, [soft_hyphen, "hal@example.com"])
    assert result == {soft_hyphen: soft_hyphen, "hal@example.com": "hal@example.com"}
    assert reported_ids(caplog) == [{str(old_users.objects.get(email=soft_hyphen).pk)}]
