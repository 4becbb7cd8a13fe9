"""Sessions, categories, sponsors and proposals belong to a committee; names and numbers are unique within one. Existing rows go to the installation's committee (committees 0001)."""

import django.db.models.deletion
from django.db import migrations, models


def into_home_committee(apps, schema_editor):
    """Every existing row belongs to the committee the installation served."""
    home = apps.get_model("committees", "Committee").objects.order_by("pk").first()
    for name in ('category', 'proposal', 'session', 'sponsor',):
        apps.get_model("proposals", name).objects.filter(committee__isnull=True).update(
            committee=home
        )


class Migration(migrations.Migration):

    dependencies = [
        ('committees', '0001_initial'),
        ('proposals', '0013_event_assignment_id'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='session',
            name='session_term_meeting',
        ),
        migrations.RemoveConstraint(
            model_name='sponsor',
            name='sponsor_name_kind',
        ),
        migrations.AddField(
            model_name='category',
            name='committee',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='categories', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AddField(
            model_name='proposal',
            name='committee',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='proposals', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AddField(
            model_name='session',
            name='committee',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AddField(
            model_name='sponsor',
            name='committee',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sponsors', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.RunPython(into_home_committee, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='category',
            name='committee',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='categories', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='committee',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='proposals', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AlterField(
            model_name='session',
            name='committee',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AlterField(
            model_name='sponsor',
            name='committee',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sponsors', to='committees.committee', verbose_name='政协委员会'),
        ),
        migrations.AlterField(
            model_name='category',
            name='name',
            field=models.CharField(max_length=32, verbose_name='名称'),
        ),
        migrations.AlterField(
            model_name='session',
            name='name',
            field=models.CharField(max_length=64, verbose_name='名称'),
        ),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.UniqueConstraint(fields=('committee', 'name'), name='category_name'),
        ),
        migrations.AddConstraint(
            model_name='session',
            constraint=models.UniqueConstraint(fields=('committee', 'term', 'meeting'), name='session_term_meeting'),
        ),
        migrations.AddConstraint(
            model_name='session',
            constraint=models.UniqueConstraint(fields=('committee', 'name'), name='session_name'),
        ),
        migrations.AddConstraint(
            model_name='sponsor',
            constraint=models.UniqueConstraint(fields=('committee', 'name', 'kind'), name='sponsor_name_kind'),
        ),
    ]
