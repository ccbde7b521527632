from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0001_initial"),
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
                ],
                max_length=32,
                verbose_name="kind",
            ),
        ),
    ]
