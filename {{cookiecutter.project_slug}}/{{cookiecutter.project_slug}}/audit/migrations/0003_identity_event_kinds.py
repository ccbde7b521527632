from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_new_event_kinds'),
    ]

    operations = [
        migrations.AlterField(
            model_name='authevent',
            name='kind',
            field=models.CharField(choices=[('login_succeeded', 'login succeeded'), ('login_failed', 'login failed'), ('locked_out', 'locked out'), ('logout', 'logout'), ('logout_all', 'logout everywhere'), ('refresh_reuse_detected', 'refresh token reuse detected'), ('session_ended', 'session ended'), ('reauthenticated', 'reauthenticated'), ('account_deleted', 'account deleted'), ('email_changed', 'email changed'), ('password_changed', 'password changed'), ('password_reset', 'password reset'), ('identity_linked', 'identity linked'), ('identity_unlinked', 'identity unlinked')], max_length=32, verbose_name='kind'),
        ),
    ]
