"""Import batches belong to a committee: existing ones go to the installation's committee."""

import django.db.models.deletion
from django.db import migrations, models


def into_home_committee(apps, schema_editor):
    """Every existing row belongs to the committee the installation served."""
    home = apps.get_model("committees", "Committee").objects.order_by("pk").first()
    for name in ('importbatch',):
        apps.get_model("proposals", name).objects.filter(committee__isnull=True).update(
            committee=home
        )


class Migration(migrations.Migration):

    dependencies = [
        ('committees', '0001_initial'),
        ('proposals', '0014_committee'),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='committee',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='import_batches', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.RunPython(into_home_committee, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='importbatch',
            name='committee',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='import_batches', to='committees.committee', verbose_name='政协委员会'),
        ),
    ]
