# An officer's agency moves to responses.AgencyMembership (responses 0014), so the check
# that the User row holds one goes first: undone last, it finds the agencies copied back.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='user',
            name='officer_has_agency',
        ),
    ]
