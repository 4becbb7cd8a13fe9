# After responses 0014 and proposals 0012 have copied them into AgencyMembership and
# SponsorAccount, the User row no longer names an agency or a sponsor.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_remove_user_officer_has_agency'),
        ('proposals', '0012_sponsoraccount'),
        ('responses', '0014_agencymembership'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='user',
            name='agency',
        ),
        migrations.RemoveField(
            model_name='user',
            name='sponsor',
        ),
    ]
