# The single "admin" role becomes the system administrator of the three (三员分立):
# every account keeps its rights in the workflow; reading the audit logs moves to the new
# audit administrator, giving roles to the new security administrator (accounts.policies).
# Passwords set before expiry existed count from now, so no one is stopped at once.

from django.db import migrations
from django.db.models.functions import Now


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="admin").update(role="sysadmin")
    User.objects.filter(password_changed_at__isnull=True).update(password_changed_at=Now())


def backwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="sysadmin").update(role="admin")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_three_administrators_otp_password_policy_security_audit")]

    operations = [migrations.RunPython(forwards, backwards)]
