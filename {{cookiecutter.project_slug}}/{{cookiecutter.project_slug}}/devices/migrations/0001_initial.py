import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="KnownDevice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token_digest", models.CharField(max_length=64, verbose_name="token digest")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                (
                    "last_login_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="last login at"),
                ),
                ("session_id", models.CharField(blank=True, max_length=32, verbose_name="session")),
                ("user_agent", models.CharField(blank=True, max_length=255, verbose_name="user agent")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="known_devices",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "known device",
                "verbose_name_plural": "known devices",
                "indexes": [models.Index(fields=["user", "session_id"], name="devices_by_session")],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "token_digest"), name="devices_one_row_per_device")
                ],
            },
        ),
    ]
