"""The house-style cover page, so every public reply PDF reads the same (WeasyPrint).

WeasyPrint with a CJK font takes 8–9 s per PDF unless Debian's libharfbuzz-subset0 is
installed (then about 0.1 s): scripts/setup.sh installs it.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

# WeasyPrint logs every layout step at INFO; only its warnings say something.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass(frozen=True)
class CoverInfo:
    title: str
    number: int | str | None = None
    kind_label: str = ""  # 提案 / 建议
    session: str = ""
    region: str = ""  # the committee's, e.g. 苏州市
    agency: str = ""
    classification: str = ""  # e.g. "A：已经解决或基本解决"
    replied_on: dt.date | None = None
    signer: str = ""

    @property
    def heading(self) -> str:
        return _("%(kind)s答复") % {"kind": self.kind_label or _("提案")}

    @property
    def number_line(self) -> str:
        if self.number in (None, ""):
            return ""
        return _("%(kind)s号：%(number)s") % {
            "kind": self.kind_label or _("提案"),
            "number": self.number,
        }

    @property
    def organisation(self) -> str:
        """政协苏州市第十五届委员会第四次会议: the committee's region and the session."""
        if not self.session:
            return _("政协提案办理")
        return _("政协%(region)s%(session)s") % {"region": self.region, "session": self.session}


def cover_for_document(document) -> CoverInfo:
    """The cover of a ReplyDocument: its proposal, agency, classification and date."""
    reply = document.reply
    assignment = reply.assignment
    proposal = assignment.proposal
    replied_on = reply.replied_at
    if isinstance(replied_on, dt.datetime):
        from django.utils import timezone

        replied_on = (
            timezone.localdate(replied_on) if timezone.is_aware(replied_on) else replied_on.date()
        )
    return CoverInfo(
        title=proposal.title,
        number=proposal.number,
        kind_label=str(proposal.get_kind_display()),
        session=proposal.session.name,
        region=proposal.committee.region,
        agency=assignment.agency.name,
        classification=reply.classification_display,
        replied_on=replied_on,
        signer=reply.signer,
    )


def render_cover(cover: CoverInfo) -> bytes:
    from weasyprint import HTML  # heavy import: only where a cover is made

    with translation.override("zh-hans"):
        html = render_to_string("documents/cover.html", {"cover": cover})
    return HTML(string=html).write_pdf()
