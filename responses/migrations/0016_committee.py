"""Agencies, rules and reminder settings belong to a committee; agency names are unique within one. Existing rows go to the installation's committee (committees 0001)."""

import django.db.models.deletion
from django.db import migrations, models


def into_home_committee(apps, schema_editor):
    """Every existing row belongs to the committee the installation served."""
    home = apps.get_model("committees", "Committee").objects.order_by("pk").first()
    for name in ('agency', 'committeerules', 'remindersettings',):
        apps.get_model("responses", name).objects.filter(committee__isnull=True).update(
            committee=home
        )


class Migration(migrations.Migration):

    dependencies = [
        ('committees', '0001_initial'),
        ('responses', '0015_notification_codes'),
    ]

    operations = [
        migrations.AddField(
            model_name='agency',
            name='committee',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='agencies', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AddField(
            model_name='committeerules',
            name='committee',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AddField(
            model_name='remindersettings',
            name='committee',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminder_settings', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.RunPython(into_home_committee, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='agency',
            name='committee',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='agencies', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AlterField(
            model_name='committeerules',
            name='committee',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AlterField(
            model_name='remindersettings',
            name='committee',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_settings', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AlterField(
            model_name='agency',
            name='name',
            field=models.CharField(max_length=100, verbose_name='名称'),
        ),
        migrations.AddConstraint(
            model_name='agency',
            constraint=models.UniqueConstraint(fields=('committee', 'name'), name='agency_name'),
        ),
    ]
