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
            name="PendingEmailChange",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="pending_email_change",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                ("new_email", models.EmailField(max_length=254, verbose_name="new email")),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="requested at")),
                ("session_id", models.CharField(blank=True, max_length=32, verbose_name="session id")),
            ],
            options={
                "verbose_name": "pending email change",
                "verbose_name_plural": "pending email changes",
            },
        ),
    ]
