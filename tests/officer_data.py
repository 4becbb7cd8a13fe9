"""Builders for the officer portal's tests (tests/test_officer_*.py).

Rows are made with the factories, in the states the services would leave them, so a
test can start from any point of an assignment's life without running the pipeline.
"""

import datetime as dt
import hashlib
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from proposals.models import Status
from responses.models import (
    AssignmentState,
    DeadlineChange,
    DeadlineChangeKind,
    DeadlineRule,
    JointOpinion,
    PublicCheck,
    RenderStatus,
    ReplyDocument,
    ReplyStatus,
)
from responses.models import Role as AssignmentRole
from tests import corpus
from tests.factories import AssignmentFactory, ProposalFactory, ReplyFactory


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_assignment(
    agency,
    *,
    proposal=None,
    role=AssignmentRole.LEAD,
    state=AssignmentState.PENDING,
    assigned_at=None,
    deadline=None,
    **fields,
):
    """An assignment as assign_proposal would make it (explanation and windows set)."""
    assigned_at = assigned_at or timezone.now()
    assigned_on = timezone.localdate(assigned_at)
    deadline = deadline or assigned_on + dt.timedelta(days=91)
    fields.setdefault("reassignment_deadline", assigned_on + dt.timedelta(days=14))
    if state != AssignmentState.PENDING:
        fields.setdefault("accepted_at", assigned_at)
    if proposal is None:
        proposal = ProposalFactory(status=Status.ASSIGNED)
    assignment = AssignmentFactory(
        proposal=proposal,
        agency=agency,
        role=role,
        state=state,
        assigned_at=assigned_at,
        deadline=deadline,
        **fields,
    )
    DeadlineChange.objects.create(
        assignment=assignment,
        kind=DeadlineChangeKind.RULE,
        rule=DeadlineRule.REPLY,
        start=assigned_on,
        months=3,
        date=deadline,
    )
    return assignment


def make_draft_reply(assignment, **fields):
    fields.setdefault("summary", "已按建议推进。")
    fields.setdefault("status", ReplyStatus.DRAFT)
    return ReplyFactory(assignment=assignment, **fields)


def make_document(
    reply, *, status=RenderStatus.READY, error="", name="答复函.docx", original_public=False
):
    """A stored letter; a ready one has a real one-page PDF beside it, checked for
    personal data as the render leaves it (docs/redaction.md)."""
    original = corpus.read("word/sample.docx")
    document = ReplyDocument(
        reply=reply,
        original_name=name,
        sha256=hashlib.sha256(original).hexdigest(),
        size=len(original),
        doc_type=name.rsplit(".", 1)[-1],
        render_status=status,
        render_error=error,
        public_check=PublicCheck.PASSED if status == RenderStatus.READY else PublicCheck.PENDING,
        original_public=original_public,
    )
    document.original.save("letter.docx", ContentFile(original), save=False)
    if status == RenderStatus.READY:
        document.pdf.save("letter.pdf", ContentFile(pdf_bytes()), save=False)
        document.rendered_at = timezone.now()
    document.save()
    return document


def make_opinion(assignment, *, body="同意主办单位意见。", attachment=b""):
    opinion = JointOpinion(assignment=assignment, body=body)
    if attachment:
        opinion.attachment.save("意见.pdf", ContentFile(attachment), save=False)
    opinion.save()
    return opinion
