from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_new_event_kinds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="authevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("login_succeeded", "login succeeded"),
                    ("login_failed", "login failed"),
                    ("locked_out", "locked out"),
                    ("logout", "logout"),
                    ("logout_all", "logout everywhere"),
                    ("refresh_reuse_detected", "refresh token reuse detected"),
                    ("session_ended", "session ended"),
                    ("reauthenticated", "reauthenticated"),
                    ("account_deleted", "account deleted"),
                    ("email_changed", "email changed"),
                    ("password_changed", "password changed"),
                    ("password_reset", "password reset"),
                    ("second_factor_added", "second factor added"),
                    ("second_factor_removed", "second factor removed"),
                    ("recovery_code_used", "recovery code used"),
                ],
                max_length=32,
                verbose_name="kind",
            ),
        ),
    ]
