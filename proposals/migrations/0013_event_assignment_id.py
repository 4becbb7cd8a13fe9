# An event names its assignment by id, without a foreign key into responses (proposals
# sits below it) and without the cascade: the audit trail outlives the rows it names.
# The column (assignment_id), its values and its index stay; only the constraint goes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('proposals', '0012_sponsoraccount'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name='event',
                    name='assignment',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='responses.assignment', verbose_name='交办'),
                ),
            ],
            state_operations=[
                migrations.RemoveField(
                    model_name='event',
                    name='assignment',
                ),
                migrations.AddField(
                    model_name='event',
                    name='assignment_id',
                    field=models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name='交办'),
                ),
            ],
        ),
        # bigint to bigint: only the check that it is not negative is added.
        migrations.AlterField(
            model_name='event',
            name='assignment_id',
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True, verbose_name='交办'),
        ),
    ]
