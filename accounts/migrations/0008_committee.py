"""Users belong to a committee: every existing account but the superusers (installation-
wide) goes to the committee the installation served (committees 0001)."""

import django.db.models.deletion
from django.db import migrations, models


def into_home_committee(apps, schema_editor):
    home = apps.get_model("committees", "Committee").objects.order_by("pk").first()
    apps.get_model("accounts", "User").objects.filter(is_superuser=False).update(committee=home)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_security_audit_append_only_trigger'),
        ('committees', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='committee',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.RunPython(into_home_committee, migrations.RunPython.noop),
    ]
