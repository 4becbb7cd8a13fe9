# The agency an officer acts for, moved off accounts.User (accounts 0004 drops the field):
# one AgencyMembership row per user that had an agency.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_agencies(apps, schema_editor):
    User = apps.get_model('accounts', 'User')
    AgencyMembership = apps.get_model('responses', 'AgencyMembership')
    AgencyMembership.objects.bulk_create(
        AgencyMembership(user_id=user_id, agency_id=agency_id)
        for user_id, agency_id in User.objects.filter(agency__isnull=False).values_list(
            'pk', 'agency_id'
        )
    )


def copy_agencies_back(apps, schema_editor):
    User = apps.get_model('accounts', 'User')
    AgencyMembership = apps.get_model('responses', 'AgencyMembership')
    for user_id, agency_id in AgencyMembership.objects.values_list('user_id', 'agency_id'):
        User.objects.filter(pk=user_id).update(agency_id=agency_id)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_remove_user_officer_has_agency'),
        ('responses', '0013_assignment_ended'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AgencyMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='responses.agency', verbose_name='所属承办单位')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='agency_membership', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '联络员所属单位',
                'verbose_name_plural': '联络员所属单位',
            },
        ),
        migrations.RunPython(copy_agencies, copy_agencies_back),
    ]
