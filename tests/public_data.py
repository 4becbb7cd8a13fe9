"""Builders for the public portal's tests: published proposals with replies and files.

Built with the factories directly (the workflow services are tested elsewhere); each
builder refreshes the search document as the publish/confirm services do.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone

from demo.seed import load_seed
from portal.search import refresh_search_document
from proposals.models import Proposal, ProposalKind, Sponsorship, Status
from responses.models import PublicCheck, RenderStatus, ReplyDocument
from responses.models import Role as AssignmentRole
from tests import corpus
from tests.factories import AssignmentFactory, ProposalFactory, ReplyFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A real Word 97 letter: the public download is a scrubbed copy, made by reading it.
DOC_BYTES = corpus.read("zh/reply-118.doc")


def make_published(
    *,
    title="关于推进某项工作的建议",
    body="建议内容。",
    session=None,
    sponsor=None,
    co_sponsors=(),
    category=None,
    agency=None,
    role=AssignmentRole.LEAD,
    reply=True,
    reply_public=True,
    summary="",
    classification="A",
    status=None,
    published_at=None,
    published=True,
    kind=ProposalKind.PROPOSAL,
    **extra,
):
    """A proposal (published unless told otherwise), with an assignment to `agency` and
    a confirmed reply when `reply` is true."""
    kwargs = {"title": title, "body": body, "kind": kind, **extra}
    if session is not None:
        kwargs["session"] = session
        if "number" not in kwargs:  # the next free number, as create_proposal gives
            taken = Proposal.objects.filter(session=session).aggregate(top=Max("number"))
            kwargs["number"] = (taken["top"] or 0) + 1
    if sponsor is not None:
        kwargs["lead_sponsor"] = sponsor
    if category is not None:
        kwargs["category"] = category
    proposal = ProposalFactory(
        status=status or (Status.REPLIED if reply else Status.ASSIGNED),
        is_published=published,
        published_at=(published_at or timezone.now()) if published else None,
        **kwargs,
    )
    for order, co_sponsor in enumerate(co_sponsors, start=1):
        Sponsorship.objects.create(proposal=proposal, sponsor=co_sponsor, order=order)
    answer = None
    if agency is not None:
        assignment = AssignmentFactory(proposal=proposal, agency=agency, role=role)
        if reply:
            answer = ReplyFactory(
                assignment=assignment,
                classification=classification,
                is_public=reply_public,
                summary=summary,
                contact="赵联系",
                contact_phone="13900001111",
                confirmed_at=timezone.now(),
            )
    refresh_search_document(proposal)
    proposal.reply = answer
    return proposal


def attach_document(
    reply, *, name="118号提案的答复.doc", text="", rendered=True, original_public=False
):
    """A letter as the render leaves it: rendered means its public PDF passed the check
    for personal data; the original is public only when staff published it."""
    document = ReplyDocument(
        reply=reply,
        original_name=name,
        sha256="0" * 64,
        size=len(DOC_BYTES),
        doc_type=name.rsplit(".", 1)[-1],
        text=text,
        render_status=RenderStatus.READY if rendered else RenderStatus.WAITING,
        public_check=PublicCheck.PASSED if rendered else PublicCheck.PENDING,
        original_public=original_public,
    )
    document.original.save(name, ContentFile(DOC_BYTES), save=False)
    if rendered:
        document.pdf.save("reply.pdf", ContentFile(PDF_BYTES), save=False)
    document.save()
    refresh_search_document(reply.assignment.proposal)
    return document


def make_118(*, session, sponsor, agency, assisting_agency=None):
    """Proposal 118 as the seed page shows it, reply letter attached."""
    seed = load_seed()
    proposal = make_published(
        title=seed.title,
        body=seed.body,
        number=seed.number,
        session=session,
        sponsor=sponsor,
        agency=agency,
        kind=ProposalKind.SUGGESTION if seed.kind_label == "建议" else ProposalKind.PROPOSAL,
        classification=seed.classification,
        published_at=seed.published_at,
        summary="",
    )
    assignment = proposal.reply.assignment
    assigned_at = seed.replied_at - dt.timedelta(days=70)
    assignment.assigned_at = assigned_at
    assignment.deadline = timezone.localdate(assigned_at) + relativedelta(
        months=seed.deadline_months
    )
    assignment.save()
    if assisting_agency is not None:
        AssignmentFactory(proposal=proposal, agency=assisting_agency, role=AssignmentRole.ASSISTING)
    reply = proposal.reply
    reply.replied_at = seed.replied_at
    reply.save()
    proposal.document = attach_document(
        reply, name=seed.attachment_name, text="关于118号提案的答复"
    )
    return proposal
