"""The "most viewed" order reads a copy of each proposal's view count in its search
document, with an index (portal.search.refresh_view_counts keeps it up to date)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_view_counts(apps, schema_editor):
    SearchDocument = apps.get_model("proposals", "SearchDocument")
    Proposal = apps.get_model("proposals", "Proposal")
    using = schema_editor.connection.alias
    current = Proposal.objects.using(using).filter(pk=OuterRef("pk")).values("view_count")[:1]
    SearchDocument.objects.using(using).update(view_count=Subquery(current))


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0009_view_count_updates"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="view_count",
            field=models.PositiveIntegerField(
                default=0,
                help_text="提案浏览次数的副本，每十分钟更新一次，供“浏览最多”排序",
                verbose_name="浏览次数（排序用）",
            ),
        ),
        migrations.RunPython(copy_view_counts, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                fields=["-view_count", "-proposal"], name="searchdoc_view_count_idx"
            ),
        ),
    ]
