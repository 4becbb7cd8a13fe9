"""The life of a proposal, one function per transition (docs/domain.md, "The life of a proposal").

Each function checks its rules, runs in one transaction, writes an Event row and raises
TransitionError (with a message for the user) for an illegal move, leaving nothing
changed. Assignment-level transitions live in responses/services.py; merging and closing,
which end the handling, in responses/closing.py.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.policies import may_act_as_staff
from common import clock
from proposals import transitions
from proposals.models import (
    Action,
    Category,
    Proposal,
    ProposalKind,
    Session,
    Sponsor,
    Sponsorship,
    Status,
)
from proposals.workflow import (
    TransitionError,
    lock,
    move_proposal,
    record_event,
    required_text,
    state_label,
)

__all__ = [
    "TransitionError",
    "convert_proposal",
    "create_proposal",
    "next_free_number",
    "publish_proposal",
    "register_proposal",
    "reject_proposal",
    "set_key_proposal",
    "submit_proposal",
    "transition",
    "unpublish_proposal",
    "update_proposal",
]


def next_free_number(session: Session) -> int:
    """The number staff are offered for a new proposal: one past the highest in use."""
    highest = session.proposals.aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


def _refuse(proposal: Proposal, action_label: str):
    raise TransitionError(
        _("提案第%(number)s号当前状态为“%(state)s”，不能%(action)s。"),
        params={
            "number": proposal.number,
            "state": state_label(Status, proposal.status),
            "action": action_label,
        },
    )


def transition(proposal, *, to, action, by, note="", data=None, **fields) -> Proposal:
    """Lock the row, check its status against the table (proposals.transitions), then move
    it and record the event (with `data`). Atomic by caller. The transitions of this
    module and of responses.closing use it."""
    current = lock(proposal)
    if not transitions.allows(action, current.status):
        _refuse(current, str(Action(action).label))
    move_proposal(current, to, action=action, by=by, note=note, fields=fields, **(data or {}))
    for name in ("status", "updated_at", *fields):
        setattr(proposal, name, getattr(current, name))
    return proposal


def _set_sponsors(proposal: Proposal, lead: Sponsor, co_sponsors: Iterable[Sponsor]) -> None:
    co = [s for s in dict.fromkeys(co_sponsors) if s.pk != lead.pk]
    proposal.sponsorships.all().delete()
    Sponsorship.objects.create(proposal=proposal, sponsor=lead, is_lead=True, order=0)
    Sponsorship.objects.bulk_create(
        Sponsorship(proposal=proposal, sponsor=s, is_lead=False, order=i)
        for i, s in enumerate(co, start=1)
    )


def _same_committee(committee_id: int, sponsors, category) -> None:
    """A proposal's sponsors and category are its own committee's."""
    if any(s.committee_id != committee_id for s in sponsors):
        raise TransitionError(_("提案人不属于本政协委员会。"))
    if category is not None and category.committee_id != committee_id:
        raise TransitionError(_("类别不属于本政协委员会。"))


def _filled(value: str | None, field_label) -> str:
    return required_text(value, _("请填写%(field)s。") % {"field": field_label})


@transaction.atomic
def create_proposal(
    *,
    session: Session,
    title: str,
    body: str,
    lead_sponsor: Sponsor,
    co_sponsors: Iterable[Sponsor] = (),
    category: Category | None = None,
    number: int | None = None,
    kind: str = ProposalKind.PROPOSAL,
    submitted_at: datetime | None = None,
    is_key: bool = False,
    draft: bool = False,
    by,
) -> Proposal:
    """Enter a proposal. Staff only.

    Rules: title, body and a lead sponsor are required; the number is unique within the
    session (None takes the next free one — the session row is locked meanwhile so two
    staff entering at once never get the same number); a proposal entered by staff is
    submitted unless `draft`.
    """
    may_act_as_staff(by, session.committee_id).enforce()
    title = _filled(title, _("标题"))
    body = _filled(body, _("内容"))
    if lead_sponsor is None:
        raise TransitionError(_("请选择领衔提案人。"))
    _same_committee(session.committee_id, [lead_sponsor, *co_sponsors], category)
    Session.objects.select_for_update().filter(pk=session.pk).exists()
    if number is None:
        number = next_free_number(session)
    elif number < 1:
        raise TransitionError(_("编号必须是正整数。"))
    elif session.proposals.filter(number=number).exists():
        raise TransitionError(
            _("%(session)s已有第%(number)s号提案，请换一个编号（建议 %(free)s）。"),
            params={"session": session, "number": number, "free": next_free_number(session)},
        )
    status = Status.DRAFT if draft else Status.SUBMITTED
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                session=session,
                number=number,
                kind=kind,
                title=title,
                body=body,
                category=category,
                is_key=is_key,
                status=status,
                submitted_at=None if draft else (submitted_at or clock.now()),
            )
    except IntegrityError:
        raise TransitionError(
            _("第%(number)s号已被占用，请刷新后重试。"), params={"number": number}
        ) from None
    _set_sponsors(proposal, lead_sponsor, co_sponsors)
    record_event(proposal, Action.CREATE, by=by, to_state=status, number=number)
    return proposal


_UPDATABLE_FIELDS = frozenset({"title", "body", "category", "kind", "submitted_at"})


@transaction.atomic
def update_proposal(
    proposal: Proposal,
    *,
    by,
    lead_sponsor: Sponsor | None = None,
    co_sponsors: Iterable[Sponsor] | None = None,
    **fields,
) -> Proposal:
    """Correct a proposal's fields before it is assigned. Staff only; records what changed."""
    may_act_as_staff(by, proposal.committee_id).enforce()
    _same_committee(
        proposal.committee_id,
        [s for s in [lead_sponsor, *(co_sponsors or ())] if s is not None],
        fields.get("category"),
    )
    unknown = set(fields) - _UPDATABLE_FIELDS
    if unknown:
        raise TransitionError(
            _("不能修改这些字段：%(fields)s"), params={"fields": ", ".join(sorted(unknown))}
        )
    current = lock(proposal)
    if not transitions.allows(Action.UPDATE, current.status):
        _refuse(current, str(Action.UPDATE.label))
    if "title" in fields:
        fields["title"] = _filled(fields["title"], _("标题"))
    if "body" in fields:
        fields["body"] = _filled(fields["body"], _("内容"))
    changed = sorted(name for name, value in fields.items() if getattr(current, name) != value)
    for name, value in fields.items():
        setattr(proposal, name, value)
    if changed:
        proposal.save(update_fields=[*changed, "updated_at"])
    if lead_sponsor is not None or co_sponsors is not None:
        lead = lead_sponsor or proposal.lead_sponsor
        co = co_sponsors if co_sponsors is not None else proposal.co_sponsors
        _set_sponsors(proposal, lead, co)
        changed.append("sponsors")
    if changed:
        record_event(proposal, Action.UPDATE, by=by, fields=changed)
    return proposal


@transaction.atomic
def submit_proposal(proposal: Proposal, *, by) -> Proposal:
    """草稿 → 已提交."""
    may_act_as_staff(by, proposal.committee_id).enforce()
    return transition(
        proposal,
        to=Status.SUBMITTED,
        action=Action.SUBMIT,
        by=by,
        submitted_at=proposal.submitted_at or clock.now(),
    )


@transaction.atomic
def register_proposal(proposal: Proposal, *, by, note: str = "") -> Proposal:
    """立案: a submitted proposal passes review. Two staff at once: the second is refused."""
    may_act_as_staff(by, proposal.committee_id).enforce()
    return transition(
        proposal,
        to=Status.REGISTERED,
        action=Action.REGISTER,
        by=by,
        note=note,
        reviewed_at=clock.now(),
        review_note=note,
    )


@transaction.atomic
def reject_proposal(proposal: Proposal, *, reason: str, by) -> Proposal:
    """不予立案: the reason is required and is kept as the review note."""
    may_act_as_staff(by, proposal.committee_id).enforce()
    reason = _filled(reason, _("不予立案理由"))
    return transition(
        proposal,
        to=Status.REJECTED,
        action=Action.REJECT,
        by=by,
        note=reason,
        reviewed_at=clock.now(),
        review_note=reason,
    )


@transaction.atomic
def convert_proposal(proposal: Proposal, *, note: str = "", by) -> Proposal:
    """转意见建议: handled as an opinion instead of a proposal."""
    may_act_as_staff(by, proposal.committee_id).enforce()
    return transition(
        proposal,
        to=Status.CONVERTED,
        action=Action.CONVERT,
        by=by,
        note=note,
        reviewed_at=clock.now(),
        review_note=note,
    )


@transaction.atomic
def set_key_proposal(proposal: Proposal, *, is_key: bool, supervisor=None, by) -> Proposal:
    """重点提案: a key proposal may name its supervising leader (督办领导)."""
    may_act_as_staff(by, proposal.committee_id).enforce()
    current = lock(proposal)
    if not transitions.allows(Action.SET_KEY, current.status):
        _refuse(current, str(Action.SET_KEY.label))
    proposal.is_key = is_key
    proposal.supervisor = supervisor if is_key else None
    proposal.save(update_fields=["is_key", "supervisor", "updated_at"])
    record_event(
        proposal,
        Action.SET_KEY,
        by=by,
        is_key=is_key,
        supervisor=str(supervisor) if supervisor else "",
    )
    return proposal


@transaction.atomic
def publish_proposal(proposal: Proposal, *, by) -> Proposal:
    """公开: the proposal (and its public replies) appear on the public portal."""
    may_act_as_staff(by, proposal.committee_id).enforce()
    current = lock(proposal)
    if current.is_published:
        raise TransitionError(_("该提案已经公开。"))
    if not transitions.allows(Action.PUBLISH, current.status):
        _refuse(current, str(Action.PUBLISH.label))
    proposal.is_published = True
    proposal.published_at = clock.now()
    proposal.save(update_fields=["is_published", "published_at", "updated_at"])
    record_event(proposal, Action.PUBLISH, by=by)
    return proposal


@transaction.atomic
def unpublish_proposal(proposal: Proposal, *, by, note: str = "") -> Proposal:
    """取消公开: withdrawn from every public page, API, feed and file URL at once."""
    may_act_as_staff(by, proposal.committee_id).enforce()
    current = lock(proposal)
    if not current.is_published:
        raise TransitionError(_("该提案尚未公开。"))
    proposal.is_published = False
    proposal.save(update_fields=["is_published", "updated_at"])
    record_event(proposal, Action.UNPUBLISH, by=by, note=note)
    return proposal
