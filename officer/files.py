"""Private files of a reply, streamed through views that check who asks.

Uploaded originals and rendered PDFs are never served from a public URL (settings:
MEDIA_URL is not served). Staff may read every file; an officer only their agency's
(and a lead agency the joint opinions sent to it). Anything else answers 404, the same
as a file that does not exist, so guessing ids tells nothing. Public replies are served
separately to everyone by portal/files.py.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache

from officer import selectors
from responses.documents import naming
from responses.documents.sniff import CONTENT_TYPES
from responses.models import RenderStatus

OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class Served:
    file: FieldFile
    filename: str
    content_type: str
    inline: bool
    fallback: str = ""  # the ASCII name for clients that read only `filename`


def _serve(request, find) -> FileResponse:
    """Look up first (not yours or not there: 404), then check the method (405), so a
    refused request never tells whether an id exists; then stream the file."""
    try:
        served = find()
    except ObjectDoesNotExist:
        raise Http404 from None
    if served is None or not served.file:
        raise Http404
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        handle = served.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=served.content_type)
    response["Content-Disposition"] = naming.content_disposition(
        served.filename, attachment=not served.inline, fallback=served.fallback
    )
    return response


@login_required
@never_cache  # confidential until published: no shared cache may keep a copy
def document_pdf(request, document_id):
    """The rendered PDF, shown inline (the reply preview embeds it), named for what it is
    (第280号提案的答复.pdf), as the public gets it: it is our rendering, not the upload."""

    def find():
        document = selectors.document_for(request.user, document_id)
        if document.render_status != RenderStatus.READY:
            return None
        name = naming.public_file_name(document, ".pdf")
        fallback = naming.ascii_file_name(document, ".pdf")
        return Served(document.pdf, name, "application/pdf", inline=True, fallback=fallback)

    return _serve(request, find)


@login_required
@never_cache
def document_original(request, document_id):
    """The letter exactly as uploaded, as a download under its original name."""

    def find():
        document = selectors.document_for(request.user, document_id)
        content_type = CONTENT_TYPES.get(document.doc_type, OCTET_STREAM)
        return Served(document.original, document.original_name, content_type, inline=False)

    return _serve(request, find)


@login_required
@never_cache
def opinion_attachment(request, opinion_id):
    """A joint opinion's attachment, for the agency that sent it and its lead agency."""

    def find():
        opinion = selectors.opinion_for(request.user, opinion_id)
        name = PurePath(opinion.attachment.name or "").name
        suffix = PurePath(name).suffix.lower().lstrip(".")
        return Served(opinion.attachment, name, CONTENT_TYPES.get(suffix, OCTET_STREAM), False)

    return _serve(request, find)
