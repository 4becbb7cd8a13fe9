"""A reply stores its classification code and the scheme it was filed under, never the
label's words (which 0009 drops): the label is shown in the reader's language.

The scheme of an existing reply is read from its stored label: a label only the A/B/C/D
scheme has (or a D) means A/B/C/D, the A/B/C scheme's own C means A/B/C, and a label
both schemes share (A and B) takes the committee's scheme now.
"""

from django.db import migrations, models

ABCD_ONLY = {"需以后解决", "留作参考", "To be resolved later", "Kept for reference"}
ABC_ONLY = {"因条件限制留作参考", "Kept for reference owing to present conditions"}


def forwards(apps, schema_editor):
    Reply = apps.get_model("responses", "Reply")
    CommitteeRules = apps.get_model("responses", "CommitteeRules")
    rules = CommitteeRules.objects.filter(pk=1).first()
    current = rules.classification_scheme if rules else "ABC"
    for reply in Reply.objects.only("pk", "classification", "classification_label").iterator():
        label = (reply.classification_label or "").strip()
        if reply.classification == "D" or label in ABCD_ONLY:
            scheme = "ABCD"
        elif label in ABC_ONLY:
            scheme = "ABC"
        else:
            scheme = current
        if scheme != "ABC":
            Reply.objects.filter(pk=reply.pk).update(classification_scheme=scheme)


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0007_rules_validated"),
    ]

    operations = [
        migrations.AddField(
            model_name="reply",
            name="classification_scheme",
            field=models.CharField(
                choices=[("ABC", "A/B/C 三类"), ("ABCD", "A/B/C/D 四类")],
                default="ABC",
                max_length=4,
                verbose_name="答复类别方案",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
