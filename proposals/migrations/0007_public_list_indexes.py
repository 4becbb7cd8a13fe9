"""The public list at 100,000 proposals (issue 6): what a search ranks and the
classification filter reads, copied into the search documents, and indexes that fit the
list's filters and orders (see proposals/search.py, proposals/filters.py)."""

import django.db.models.deletion
from django.db import migrations, models

from proposals.tokens import document_tokens, normalize

# PostgreSQL only: keep the copied title in the row. The table moves long values out of
# line (toast_tuple_target = 128, migration 0004), which took the short title along, and
# ranking 70,000 hits then fetched each title from TOAST (250 ms instead of 10 ms).
KEEP_IN_ROW_SQL = [
    "ALTER TABLE proposals_searchdocument ALTER COLUMN title SET STORAGE PLAIN",
    "ALTER TABLE proposals_searchdocument ALTER COLUMN classifications SET STORAGE PLAIN",
]
# PostgreSQL only, as `vector` in 0004: the title's tokens as a tsvector and its GIN
# index, which find the proposals whose title holds a term (portal.search).
TITLE_VECTOR_SQL = [
    "ALTER TABLE proposals_searchdocument ADD COLUMN IF NOT EXISTS title_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title_tokens)) STORED",
    "CREATE INDEX IF NOT EXISTS searchdocument_title_vector_gin ON proposals_searchdocument "
    "USING gin (title_vector)",
]
CHUNK = 2000


def keep_in_row(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in KEEP_IN_ROW_SQL:
            schema_editor.execute(statement)


def create_title_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in TITLE_VECTOR_SQL:
            schema_editor.execute(statement)


def drop_title_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS searchdocument_title_vector_gin")
        schema_editor.execute(
            "ALTER TABLE proposals_searchdocument DROP COLUMN IF EXISTS title_vector"
        )


def fill_list_fields(apps, schema_editor):
    """What portal.search.list_fields gives, for the documents already there."""
    SearchDocument = apps.get_model("proposals", "SearchDocument")
    Proposal = apps.get_model("proposals", "Proposal")
    Reply = apps.get_model("responses", "Reply")
    using = schema_editor.connection.alias
    ids = list(SearchDocument.objects.using(using).order_by("pk").values_list("pk", flat=True))
    max_title = SearchDocument._meta.get_field("title").max_length
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        proposals = Proposal.objects.using(using).in_bulk(chunk)
        letters: dict[int, set[str]] = {}
        replies = (
            Reply.objects.using(using)
            .filter(status="confirmed", is_public=True, assignment__proposal__in=chunk)
            .exclude(assignment__state="withdrawn")
            .values_list("assignment__proposal", "classification")
        )
        for proposal_id, classification in replies:
            letters.setdefault(proposal_id, set()).add(classification)
        documents = []
        for pk in chunk:
            proposal = proposals[pk]
            documents.append(
                SearchDocument(
                    pk=pk,
                    title=normalize(proposal.title)[:max_title],
                    title_tokens=document_tokens(proposal.title),
                    published_at=proposal.published_at,
                    session_id=proposal.session_id,
                    category_id=proposal.category_id,
                    classifications="".join(sorted(letters.get(pk, ()))),
                )
            )
        SearchDocument.objects.using(using).bulk_update(
            documents,
            [
                "title",
                "title_tokens",
                "published_at",
                "session",
                "category",
                "classifications",
            ],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0006_event_remove_document"),
        ("responses", "0003_reply_confirmed_index"),
    ]
    # 0008 (stored public pages) was written alongside and follows this one.
    run_before = [("proposals", "0008_public_page")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="classifications",
            field=models.CharField(
                blank=True,
                help_text="本提案公开答复的办理类型字母，如 AB",
                max_length=4,
                verbose_name="公开答复的办理类型",
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="发布时间"),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="title",
            field=models.CharField(
                blank=True,
                help_text="标题，按检索规则折叠大小写和全角",
                max_length=300,
                verbose_name="检索标题",
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="session",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="proposals.session",
                verbose_name="届次会议",
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="category",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="proposals.category",
                verbose_name="类别",
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="title_tokens",
            field=models.TextField(blank=True, verbose_name="标题检索词元"),
        ),
        migrations.RunPython(keep_in_row, migrations.RunPython.noop),
        migrations.RunPython(fill_list_fields, migrations.RunPython.noop),
        migrations.RunPython(create_title_vector, drop_title_vector),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["session", "-published_at", "-id", "category"],
                name="proposal_public_session_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["category", "-published_at", "-id", "session"],
                name="proposal_public_category_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                condition=models.Q(("is_published", False)),
                fields=["id"],
                name="proposal_unpublished_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="sponsorship",
            index=models.Index(
                condition=models.Q(("is_lead", True)),
                fields=["sponsor", "proposal"],
                name="sponsorship_lead_sponsor_idx",
            ),
        ),
    ]
