"""The public list at 100,000 proposals (issue 6): the agency filter and an agency's
public page read an agency's live assignments and their public replies by index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0003_reply_confirmed_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(("state", "withdrawn"), _negated=True),
                fields=["agency", "proposal", "id"],
                name="assignment_live_agency_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="reply",
            index=models.Index(
                condition=models.Q(("is_public", True), ("status", "confirmed")),
                fields=["assignment", "-replied_at", "id"],
                name="reply_public_assignment_idx",
            ),
        ),
    ]
