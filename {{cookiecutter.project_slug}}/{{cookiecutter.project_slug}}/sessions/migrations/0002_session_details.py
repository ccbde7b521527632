import django.utils.timezone
from django.db import migrations, models


def authenticated_at_login(apps, schema_editor):
    """Existing sessions were last authenticated at their login: never make them look more recent."""
    RefreshFamily = apps.get_model("user_sessions", "RefreshFamily")
    RefreshFamily.objects.update(authenticated_at=models.F("started_at"), last_used_at=models.F("started_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("user_sessions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="refreshfamily",
            name="scenario",
            field=models.CharField(blank=True, max_length=64, verbose_name="scenario"),
        ),
        migrations.AddField(
            model_name="refreshfamily",
            name="ip",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address"),
        ),
        migrations.AddField(
            model_name="refreshfamily",
            name="user_agent",
            field=models.CharField(blank=True, max_length=512, verbose_name="user agent"),
        ),
        migrations.AddField(
            model_name="refreshfamily",
            name="last_used_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="last used at"),
        ),
        migrations.AddField(
            model_name="refreshfamily",
            name="authenticated_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="authenticated at"),
        ),
        migrations.RunPython(authenticated_at_login, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="refreshfamily",
            name="revoked_because",
            field=models.CharField(
                blank=True,
                choices=[
                    ("logout", "logout"),
                    ("revoke_all", "every session revoked"),
                    ("reuse", "a replaced token was used again"),
                    ("ended", "ended from the sessions list"),
                ],
                max_length=16,
                verbose_name="revoked because",
            ),
        ),
    ]
