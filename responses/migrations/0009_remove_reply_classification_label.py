from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0008_reply_classification_code"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="reply",
            name="classification_label",
        ),
        migrations.AddConstraint(
            model_name="reply",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("classification", "D"), ("classification_scheme", "ABC"), _negated=True
                ),
                name="reply_classification_in_scheme",
            ),
        ),
    ]
