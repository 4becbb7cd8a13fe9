"""What a compilation holds, read once with the joins it needs: the session's registered
proposals grouped by category, their sponsors, lead agency and confirmed public replies.
Words composed from codes (classifications) are composed here, in the active language."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.models import Proposal, ProposalKind, Status
from responses.models import (
    PublicCheck,
    RenderStatus,
    Reply,
    ReplyDocument,
    ReplyStatus,
)
from responses.models import Role as AssignmentRole

# Registered and every status after it: what the session's compilation lists.
INCLUDED = (
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.REPLIED,
    Status.EVALUATED,
    Status.REHANDLING,
    Status.CLOSED,
)
LEADING_ROLES = (AssignmentRole.SOLE, AssignmentRole.LEAD)


@dataclass
class ReplyEntry:
    agency: str
    classification: str
    replied_on: dt.date | None
    paragraphs: list[str]
    cut: bool = False


@dataclass
class Entry:
    number: int
    title: str
    sponsors: str
    category: str
    paragraphs: list[str]
    lead_agency: str = ""
    replies: list[ReplyEntry] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"p{self.number}"

    @property
    def number_label(self) -> str:
        return _("第%(number)s号") % {"number": self.number}


@dataclass
class Group:
    name: str
    entries: list[Entry]


def proposals_of(session):
    return Proposal.objects.filter(session=session, kind=ProposalKind.PROPOSAL, status__in=INCLUDED)


def count(session) -> int:
    return proposals_of(session).count()


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _cut(text: str) -> tuple[str, bool]:
    limit = settings.COMPILATION_MAX_TEXT
    return (text[:limit], True) if len(text) > limit else (text, False)


def _reply_text(reply) -> str:
    """The letter's extracted text (masked as the public PDF is, docs/redaction.md) of
    the letters that passed the public check; the reply's summary when there is none."""
    texts = [d.text for d in reply.documents.all() if d.text.strip()]
    return "\n".join(texts) or reply.summary


def _reply_entry(reply) -> ReplyEntry:
    text, cut = _cut(_reply_text(reply))
    replied_on = timezone.localdate(reply.replied_at) if reply.replied_at else None
    return ReplyEntry(
        agency=reply.assignment.agency.name,
        classification=reply.get_classification_display(),
        replied_on=replied_on,
        paragraphs=paragraphs(text) or [_("（答复函正文未能提取，请查阅原件。）")],
        cut=cut,
    )


def _sponsors(proposal) -> str:
    return "、".join(s.sponsor.name for s in proposal.sponsorships.all())


def groups(session, *, with_replies: bool) -> list[Group]:
    """The session's proposals by category (in the categories' order), by number within."""
    public_documents = ReplyDocument.objects.filter(
        render_status=RenderStatus.READY, public_check=PublicCheck.PASSED
    ).only("id", "reply_id", "text")
    replies = (
        Reply.objects.public()
        .filter(status=ReplyStatus.CONFIRMED)
        .select_related("assignment__agency")
        .prefetch_related(Prefetch("documents", queryset=public_documents))
        .order_by("round", "replied_at", "id")
    )
    queryset = (
        proposals_of(session)
        .select_related("category")
        .prefetch_related("sponsorships__sponsor", "assignments__agency")
        .order_by("category__order", "category__name", "number")
    )
    if with_replies:
        queryset = queryset.prefetch_related(Prefetch("assignments__replies", queryset=replies))
    result: list[Group] = []
    for proposal in queryset:
        name = proposal.category.name if proposal.category else _("未分类")
        if not result or result[-1].name != name:
            result.append(Group(name=name, entries=[]))
        assignments = list(proposal.assignments.all())
        lead = next((a.agency.name for a in assignments if a.role in LEADING_ROLES), "")
        entry = Entry(
            number=proposal.number,
            title=proposal.title,
            sponsors=_sponsors(proposal),
            category=name,
            paragraphs=paragraphs(proposal.body),
            lead_agency=lead,
        )
        if with_replies:
            entry.replies = [_reply_entry(reply) for a in assignments for reply in a.replies.all()]
            if not entry.replies:
                continue
        result[-1].entries.append(entry)
    return [group for group in result if group.entries]
