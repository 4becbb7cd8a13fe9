"""Notifications store codes, not words: the title and body (Chinese text fixed when the
notification was made) go; both are composed from the reminder when shown, in the
reader's language. Every notification the application made points at its reminder; a
row without one (none are made by the code) could not be composed and is removed."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_unattached(apps, schema_editor):
    apps.get_model("responses", "Notification").objects.filter(reminder__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0014_agencymembership"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_unattached, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="notification",
            name="one_notification_per_user_and_reminder",
        ),
        migrations.AlterField(
            model_name="notification",
            name="reminder",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications",
                to="responses.reminder",
                verbose_name="提醒",
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                fields=("user", "reminder"), name="one_notification_per_user_and_reminder"
            ),
        ),
        migrations.RemoveField(
            model_name="notification",
            name="body",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="title",
        ),
    ]
