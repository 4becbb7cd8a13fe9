"""The reply letters a sponsor receives: the rendered PDF of each confirmed reply to one
of their own proposals, public or not (the letter is addressed to them). Anything else,
another sponsor's letter included, is a 404, as for a file that does not exist."""

from pathlib import PurePath

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import permissions
from proposals import policies
from responses.models import RenderStatus, ReplyDocument, ReplyStatus


def own_letters(user):
    return ReplyDocument.objects.filter(
        reply__status=ReplyStatus.CONFIRMED,
        reply__assignment__proposal__in=policies.own_proposals(user),
        render_status=RenderStatus.READY,
    ).exclude(pdf="")


@permissions.sponsor_required
@require_GET
@never_cache  # a private letter: no shared cache may keep a copy
def reply_letter(request, document_id):
    document = get_object_or_404(own_letters(request.user), pk=document_id)
    try:
        handle = document.pdf.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle,
        content_type="application/pdf",
        filename=(PurePath(document.original_name).stem or "reply") + ".pdf",
    )
