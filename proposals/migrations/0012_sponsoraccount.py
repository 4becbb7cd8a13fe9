# The sponsor a sponsor user acts for, moved off accounts.User (accounts 0004 drops the
# field): one SponsorAccount row per user that had a sponsor.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_sponsors(apps, schema_editor):
    User = apps.get_model('accounts', 'User')
    SponsorAccount = apps.get_model('proposals', 'SponsorAccount')
    SponsorAccount.objects.bulk_create(
        SponsorAccount(user_id=user_id, sponsor_id=sponsor_id)
        for user_id, sponsor_id in User.objects.filter(sponsor__isnull=False).values_list(
            'pk', 'sponsor_id'
        )
    )


def copy_sponsors_back(apps, schema_editor):
    User = apps.get_model('accounts', 'User')
    SponsorAccount = apps.get_model('proposals', 'SponsorAccount')
    for user_id, sponsor_id in SponsorAccount.objects.values_list('user_id', 'sponsor_id'):
        User.objects.filter(pk=user_id).update(sponsor_id=sponsor_id)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_remove_user_officer_has_agency'),
        ('proposals', '0011_clock_defaults'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SponsorAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sponsor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='accounts', to='proposals.sponsor', verbose_name='对应提案人')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='sponsor_account', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '提案人账号',
                'verbose_name_plural': '提案人账号',
            },
        ),
        migrations.RunPython(copy_sponsors, copy_sponsors_back),
    ]
