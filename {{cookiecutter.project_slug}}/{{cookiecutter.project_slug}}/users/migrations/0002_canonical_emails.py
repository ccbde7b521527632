"""Bring every stored email to its canonical form (users/managers.py `normalize_email()`).

Before this migration an address was stored trimmed and lower-cased only, so look-alike
spellings of one mailbox (full-width letters, a soft hyphen or a zero-width space in the
domain, a Unicode domain beside its A-label) could be separate accounts. Each address is
rewritten to its canonical form, except where that would lose data or fail, and those
rows are left exactly as they are and reported in a warning of this module's logger:

- A collision: rows whose addresses have one canonical form. All of them are kept
  unchanged, because merging or renaming accounts is a decision for people, not for a
  migration. Logins reach the row that already holds the canonical form, if one does; an
  administrator resolves the others (changing such a row's address in the admin refuses
  the colliding spelling).
- An address without a canonical form (an invisible character, a domain IDNA refuses).
  It can no longer be used to log in; an administrator gives the account a valid address.

Going backwards changes nothing: the earlier spellings are not kept.
"""

import logging

from django.db import IntegrityError, migrations, models, transaction

import {{ cookiecutter.project_slug }}.users.managers
from {{ cookiecutter.project_slug }}.users.managers import EmailAddressInvalid, normalize_email

logger = logging.getLogger(__name__)


def canonicalise_emails(apps, schema_editor):
    """Rewrite each stored email to its canonical form; leave and report collisions and invalid addresses."""
    alias = schema_editor.connection.alias
    users = apps.get_model("users", "User")._base_manager.using(alias)
    # canonical form -> [(pk, stored email)] of the rows it would change; rows already canonical stay out.
    pending = {}
    invalid = []
    for pk, email in users.order_by("pk").values_list("pk", "email").iterator(chunk_size=2000):
        try:
            canonical = normalize_email(email)
        except EmailAddressInvalid:
            invalid.append(str(pk))
            continue
        if canonical != email:
            pending.setdefault(canonical, []).append((pk, email))
    if invalid:
        logger.warning(
            "Emails without a canonical form, left unchanged (ids: %s); give these users valid addresses.",
            ", ".join(invalid),
        )
    for canonical, rows in pending.items():
        pks = [pk for pk, _email in rows]
        holders = list(users.filter(email=canonical).exclude(pk__in=pks).values_list("pk", flat=True))
        if len(rows) == 1 and not holders and rewrite(users, *rows[0], canonical, alias):
            continue
        logger.warning(
            "Emails that spell one mailbox in several ways, left unchanged (ids: %s); resolve these users by hand.",
            ", ".join(str(pk) for pk in [*holders, *pks]),
        )


def rewrite(users, pk, email, canonical, alias):
    """Store `canonical` as the row's email; False when the database refuses it (a row written meanwhile)."""
    try:
        with transaction.atomic(using=alias):
            users.filter(pk=pk, email=email).update(email=canonical)
    except IntegrityError:
        return False
    return True


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="email",
            field=models.EmailField(
                error_messages={"unique": "A user with that email address already exists."},
                max_length=254,
                unique=True,
                validators=[{{ cookiecutter.project_slug }}.users.managers.validate_normalizable_email],
                verbose_name="email address",
            ),
        ),
        migrations.RunPython(canonicalise_emails, migrations.RunPython.noop, elidable=True),
    ]
