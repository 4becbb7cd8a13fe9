"""Make the saved rules valid before 0007 adds their CheckConstraints.

Periods of 0 take their defaults, an extension limit shorter than the reply period is
raised to it, and reminder days keep their valid entries (the defaults if none is).
"""

from django.db import migrations

DEFAULTS = {
    "reply_months": 3,
    "max_months": 6,
    "reassignment_working_days": 10,
    "joint_opinion_months": 1,
    "rehandling_months": 1,
}
DEFAULT_DAYS = "30,7,1,0"


def _days(text):
    tokens = [t.strip() for t in (text or "").replace("，", ",").split(",")]
    days = sorted({int(t) for t in tokens if t.isascii() and t.isdigit() and int(t) <= 366})
    return ",".join(str(d) for d in reversed(days)) or DEFAULT_DAYS


def forwards(apps, schema_editor):
    CommitteeRules = apps.get_model("responses", "CommitteeRules")
    for rules in CommitteeRules.objects.all():
        for name, default in DEFAULTS.items():
            if not getattr(rules, name):
                setattr(rules, name, default)
        rules.max_months = max(rules.max_months, rules.reply_months)
        rules.reminder_days_before = _days(rules.reminder_days_before)
        rules.save()
    ReminderSettings = apps.get_model("responses", "ReminderSettings")
    ReminderSettings.objects.filter(max_send_attempts__lt=1).update(max_send_attempts=1)


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0005_clock_defaults"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
