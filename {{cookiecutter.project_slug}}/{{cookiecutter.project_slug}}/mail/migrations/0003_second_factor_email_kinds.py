from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_new_email_kinds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboxemail",
            name="kind",
            field=models.CharField(
                choices=[
                    ("login_code", "login code"),
                    ("activation", "activation link"),
                    ("account_exists", "account already exists"),
                    ("password_reset", "password reset link"),
                    ("password_changed", "password changed"),
                    ("account_deleted", "account deleted"),
                    ("email_change_confirmation", "email change link"),
                    ("email_change_requested", "email change requested"),
                    ("second_factor_added", "second factor added"),
                    ("second_factor_removed", "second factor removed"),
                    ("recovery_code_used", "recovery code used"),
                ],
                max_length=32,
                verbose_name="kind",
            ),
        ),
    ]
