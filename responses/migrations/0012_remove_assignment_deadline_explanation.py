from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0011_deadline_history_from_text"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="assignment",
            name="deadline_explanation",
        ),
    ]
