"""`manage.py rerender_replies [--failed] [--queue]`: render reply documents again.

Re-rendering replaces only the derived PDF and text, never the original upload, so it is
safe after a fix to the pipeline, the cover or the fonts.
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from responses.documents import queue_render, render_document
from responses.documents.service import reset_for_rerender
from responses.models import RenderStatus, ReplyDocument


class Command(BaseCommand):
    help = "Render reply documents again (all, or only the failed ones)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed", action="store_true", help="only documents whose render failed"
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="hand them to the Celery workers instead of rendering here",
        )
        parser.add_argument("ids", nargs="*", type=int, help="only these document ids")

    def handle(self, *args, **options):
        documents = ReplyDocument.objects.order_by("id")
        if options["failed"]:
            documents = documents.filter(render_status=RenderStatus.FAILED)
        if options["ids"]:
            documents = documents.filter(id__in=options["ids"])
        ids = list(documents.values_list("id", flat=True))
        reset_for_rerender(ReplyDocument.objects.filter(id__in=ids))

        ready = failed = 0
        progress = tqdm(ids, unit="doc", disable=options["verbosity"] == 0, file=self.stderr._out)
        for document_id in progress:
            document = ReplyDocument.objects.filter(id=document_id).first()
            if document is None:
                continue
            if options["queue"]:
                queue_render(document)
                continue
            if render_document(document):
                ready += 1
            else:
                failed += 1
            progress.set_postfix(ready=ready, failed=failed)
        if options["queue"]:
            self.stdout.write(f"queued {len(ids)} document(s)")
        else:
            self.stdout.write(f"{ready} ready, {failed} failed, of {len(ids)} document(s)")
