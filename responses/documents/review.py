"""The redaction review: findings stored by the render, decisions by officers and staff,
the original published on purpose, and what stops publication. docs/redaction.md.

(What the render reads and writes of the review — its plan, its findings — is in
responses/documents/findings.py.)
- decide_findings(document, decisions, by): "redact"/"keep" per finding, then render again;
- set_original_public(document, public=…, by): 公开原件, staff only, after the review;
- blocked_documents(proposal): public letters whose check found personal data.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from common import clock
from proposals import signals
from proposals.workflow import TransitionError
from responses import policies
from responses.documents.service import queue_render
from responses.models import (
    AssignmentState,
    PersonalDataFinding,
    PublicCheck,
    RedactionDecision,
    RenderStatus,
    Reply,
    ReplyDocument,
    ReplyStatus,
)


def decisions_from(data, findings) -> dict[int, str]:
    """The decisions a review form posted (decision-<id> = redact/keep) for these findings;
    a finding left out keeps its decision. A value not offered is refused."""
    decisions = {}
    for finding in findings:
        value = data.get(f"decision-{finding.pk}")
        if value is None:
            continue
        if value not in RedactionDecision.values:
            raise TransitionError(_("请为每一项选择“遮盖”或“保留”。"))
        decisions[finding.pk] = value
    return decisions


def _render_again(document: ReplyDocument) -> None:
    ReplyDocument.objects.filter(pk=document.pk).update(
        render_status=RenderStatus.WAITING, render_attempts=0, public_check=PublicCheck.PENDING
    )
    queue_render(document)


@transaction.atomic
def decide_findings(document: ReplyDocument, decisions: dict[int, str], *, by) -> int:
    """Record "redact" or "keep" for findings of this document (by id) and, when any
    changed, render the public PDF again. Returns how many changed. An original that was
    published stops being public as soon as an item of it is to be redacted."""
    policies.may_review_redaction(by, document).enforce()
    document = ReplyDocument.objects.select_for_update().get(pk=document.pk)
    findings = {f.pk: f for f in document.findings.select_for_update()}
    valid = set(RedactionDecision.values)
    for finding_id, decision in decisions.items():
        if finding_id not in findings:
            raise TransitionError(_("该项个人信息已不存在，请刷新页面后重试。"))
        if decision not in valid:
            raise TransitionError(_("请为每一项选择“遮盖”或“保留”。"))
    changed = [pk for pk, decision in decisions.items() if findings[pk].decision != decision]
    for pk in changed:
        PersonalDataFinding.objects.filter(pk=pk).update(
            decision=decisions[pk], decided_by=by, decided_at=clock.now()
        )
    if changed:
        if document.original_public and RedactionDecision.REDACT in {
            decisions[pk] for pk in changed
        }:
            ReplyDocument.objects.filter(pk=document.pk).update(original_public=False)
        _render_again(document)
        _announce(document)
    return len(changed)


@transaction.atomic
def set_original_public(document: ReplyDocument, *, public: bool, by) -> ReplyDocument:
    """公开原件 or stop publishing it. Publishing needs may_publish_original."""
    document = (
        ReplyDocument.objects.select_for_update()
        .select_related("reply__assignment")
        .get(pk=document.pk)
    )
    if public:
        policies.may_publish_original(by, document).enforce()
    else:
        policies.may_act_as_staff(by, document.reply.assignment.proposal.committee_id).enforce()
    if document.original_public != public:
        document.original_public = public
        document.save(update_fields=["original_public"])
        _announce(document)
    return document


def _announce(document: ReplyDocument) -> None:
    reply = Reply.objects.select_related("assignment").get(pk=document.reply_id)
    if reply.status == ReplyStatus.CONFIRMED:
        signals.changed([reply.assignment.proposal_id], signals.Reason.LETTER)


def blocked_documents(proposal):
    """Letters of the proposal's public replies whose public PDF still shows personal
    data: the proposal is not published while there is one (staff/views/publication.py)."""
    return (
        ReplyDocument.objects.filter(
            reply__in=Reply.objects.public(),
            reply__assignment__proposal=proposal,
            public_check=PublicCheck.BLOCKED,
        )
        .exclude(reply__assignment__state=AssignmentState.WITHDRAWN)
        .select_related("reply__assignment__agency")
    )


def blocked_message(documents) -> str:
    return _(
        "以下答复函的公开版 PDF 中仍能读到需要遮盖的个人信息，已阻止公开：%(names)s。"
        "请在答复函的“个人信息审核”页面查看，将可以公开的项目标为“保留”，"
        "或请承办单位上传已遮盖的答复函（Word 文件可自动遮盖）。"
    ) % {"names": "、".join(d.original_name for d in documents)}
