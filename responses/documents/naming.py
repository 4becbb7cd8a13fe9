"""The name a reply letter is downloaded under, and the Content-Disposition that says it.

The stored row keeps the name the agency's file had (`original_name`, e.g.
"reply-118.doc"): what the agency called its file is its own business. A reader of the
public portal gets a name that says what the file is, composed at download in the
reader's language from the reply's data (codes and numbers, never stored words):

    第280号提案的答复.doc           Reply to proposal No. 280.doc
    第280号提案的答复（第2轮）.pdf   a second round
    第280号提案的答复（苏州市财政局）.pdf   an agency answering separately (分办)
    第280号提案的答复-2.pdf         the second letter of one reply

The bytes are never changed. `content_disposition` writes the header of RFC 6266 with
both an ASCII `filename` for old clients and `filename*=UTF-8''…` (RFC 5987).
"""

import re
from pathlib import PurePath
from urllib.parse import quote

from django.utils.translation import gettext as _

from responses.models import ReplyDocument, Role

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _clean(text: str) -> str:
    """No path separators or characters a file system refuses."""
    return _UNSAFE.sub(" ", text).strip() or "reply"


def _position(document: ReplyDocument) -> tuple[int, int]:
    """The letter's place among its reply's letters (1-based) and their number; read
    from a prefetched reply.documents when there is one."""
    siblings = sorted(document.reply.documents.all(), key=lambda d: (d.uploaded_at, d.pk))
    ids = [d.pk for d in siblings]
    if document.pk not in ids:
        return 1, 1
    return ids.index(document.pk) + 1, len(ids)


def reply_stem(document: ReplyDocument) -> str:
    """What the letter is, in the active language, without a suffix."""
    reply = document.reply
    assignment = reply.assignment
    proposal = assignment.proposal
    stem = _("第%(number)s号%(kind)s的答复") % {
        "number": proposal.number,
        "kind": proposal.get_kind_display(),
    }
    notes = []
    if assignment.role == Role.SEPARATE:
        notes.append(assignment.agency.name)
    if reply.round > 1:
        notes.append(_("第%(round)s轮") % {"round": reply.round})
    if notes:
        stem += _("（%(notes)s）") % {"notes": _("，").join(notes)}
    index, count = _position(document)
    if count > 1:
        stem += f"-{index}"
    return _clean(stem)


def public_file_name(document: ReplyDocument, suffix: str | None = None) -> str:
    """The composed name with the file's own suffix (the original's, or `suffix`)."""
    if suffix is None:
        suffix = PurePath(document.original_name).suffix.lower() or f".{document.doc_type}"
    return f"{reply_stem(document)}{suffix}"


def ascii_file_name(document: ReplyDocument, suffix: str) -> str:
    """The fallback for clients that read only `filename`: ASCII, no words to translate."""
    reply = document.reply
    index, count = _position(document)
    parts = [f"proposal-{reply.assignment.proposal.number}-reply"]
    if reply.round > 1:
        parts.append(f"round-{reply.round}")
    if count > 1:
        parts.append(str(index))
    return "-".join(parts) + suffix


def content_disposition(filename: str, *, attachment: bool, fallback: str = "") -> str:
    """RFC 6266: `attachment; filename="ascii"; filename*=UTF-8''percent-encoded`."""
    kind = "attachment" if attachment else "inline"
    if not fallback:
        path = PurePath(filename)
        stem = path.stem.encode("ascii", "ignore").decode().strip()
        fallback = (stem or "download") + (path.suffix if path.suffix.isascii() else "")
    fallback = fallback.replace("\\", "_").replace('"', "_")
    fallback = re.sub(r"[^\x20-\x7e]", "_", fallback)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
