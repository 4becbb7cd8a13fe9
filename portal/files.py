"""Reply letters for the public: the rendered PDF and (a scrubbed copy of) the original.

Files live in private storage (no public MEDIA_URL). These views stream one only when
its reply is confirmed and public, its assignment is live and its proposal published;
anything else is a 404, the same answer as for a file that does not exist. The PDF is
the redacted one and only once its check for personal data passed; the original only
when staff published it (docs/redaction.md).
"""

import io
import logging
from pathlib import PurePath

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from responses.documents import naming
from responses.documents.scrub import ScrubError, public_copy
from responses.models import AssignmentState, PublicCheck, RenderStatus, Reply, ReplyDocument

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "wps": "application/vnd.ms-works",
    "rtf": "application/rtf",
    "pdf": "application/pdf",
}


def public_documents():
    return (
        ReplyDocument.objects.select_related(
            "reply__assignment__proposal", "reply__assignment__agency"
        )
        .filter(
            reply__in=Reply.objects.public(),
            reply__assignment__proposal__is_published=True,
        )
        .exclude(reply__assignment__state=AssignmentState.WITHDRAWN)
    )


def _open(field):
    try:
        return field.open("rb")
    except (FileNotFoundError, ValueError):
        # The row exists but the file is gone: say so as for any missing file.
        raise Http404 from None


@require_GET
def reply_document_pdf(request, pk):
    """The rendered PDF, inline to read in the browser, or ?download=1 to save it."""
    document = get_object_or_404(
        public_documents()
        .filter(render_status=RenderStatus.READY, public_check=PublicCheck.PASSED)
        .exclude(pdf=""),
        pk=pk,
    )
    download = request.GET.get("download") == "1"
    response = FileResponse(_open(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = _disposition(document, ".pdf", attachment=download)
    return response


@require_GET
def reply_document_original(request, pk):
    """The letter as the agency uploaded it, always as a download, without its authoring
    metadata (document properties, comment authors, a PDF's Info and XMP) and, for a PDF,
    without active content. The stored upload stays byte for byte; staff and the agency
    download that one (officer/files.py)."""
    document = get_object_or_404(public_documents().filter(original_public=True), pk=pk)
    with _open(document.original) as handle:
        data = handle.read()
    try:
        published = public_copy(data, document.doc_type)
    except ScrubError:
        # Publishing the unscrubbed file could publish its author: the PDF stays available.
        logger.warning("original of document %s not published: cannot scrub it", document.pk)
        raise Http404 from None
    response = FileResponse(
        io.BytesIO(published),
        content_type=CONTENT_TYPES.get(document.doc_type, "application/octet-stream"),
    )
    suffix = PurePath(document.original_name).suffix.lower() or f".{document.doc_type}"
    response["Content-Disposition"] = _disposition(document, suffix, attachment=True)
    return response


def _disposition(document, suffix: str, *, attachment: bool) -> str:
    """Named for what it is (第280号提案的答复.doc) in the reader's language, not by the
    agency's own file name (responses.documents.naming)."""
    return naming.content_disposition(
        naming.public_file_name(document, suffix),
        attachment=attachment,
        fallback=naming.ascii_file_name(document, suffix),
    )
