"""交办 and what follows it on the staff side: assign, add an agency, move a deadline,
waive joint opinions, and decide the agencies' reassignment and extension requests."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.models import Proposal
from responses import deadlines
from responses.handling import missing_opinions
from responses.models import (
    Assignment,
    CommitteeRules,
    ExtensionRequest,
    ReassignmentRequest,
    RequestStatus,
)
from responses.services import (
    add_assignment,
    assign_proposal,
    change_deadline,
    decide_extension,
    decide_reassignment,
    waive_joint_opinions,
)
from staff import scope
from staff.filters import RequestFilter
from staff.forms import (
    AddAssignmentForm,
    AssignForm,
    ChangeDeadlineForm,
    DecisionForm,
    NoteForm,
    ReassignmentDecisionForm,
)
from staff.selectors import (
    active_agencies,
    pending_extensions,
    pending_reassignments,
    suggested_agency,
)
from staff.views.access import back_to, run_or_report
from staff.views.common import action_page, paginate, redirect_next, staff_render


def _detail_url(proposal_id):
    return reverse("staff:proposal-detail", args=[proposal_id])


def assign(request, pk):
    """交办: the deadline field comes filled with the date the rules give; another date
    needs a reason (assign_proposal checks it too, and the 6-month limit)."""
    proposal = scope.get(
        request,
        Proposal.objects.select_related("session").prefetch_related("sponsorships__sponsor"),
        pk=pk,
    )
    form = AssignForm(
        request.POST or None,
        rules=CommitteeRules.of(proposal.committee_id),
        committee=scope.committee(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_or_report(
            request,
            lambda: assign_proposal(
                proposal,
                agencies=data["agencies"],
                deadline=data["deadline"],
                deadline_reason=data.get("deadline_reason", ""),
                by=request.user,
            ),
            success=lambda created: (
                _("已交办：%(agencies)s，办理期限 %(deadline)s。")
                % {
                    "agencies": "、".join(
                        f"{a.agency.name}（{a.get_role_display()}）" for a in created
                    ),
                    "deadline": f"{created[0].deadline:%Y-%m-%d}",
                }
            ),
            form=form,
        )
        if done:
            return back_to(proposal)
    return staff_render(
        request,
        "staff/assign.html",
        {
            "form": form,
            "proposal": proposal,
            "agencies": active_agencies(scope.committee(request)),
        },
        section="proposals",
    )


def add(request, pk):
    proposal = scope.get(request, Proposal, pk=pk)

    def perform(data):
        return add_assignment(
            proposal,
            agency=data["agency"],
            role=data["role"],
            deadline=data.get("deadline"),
            deadline_reason=data.get("deadline_reason", ""),
            by=request.user,
        )

    return action_page(
        request,
        form=AddAssignmentForm(request.POST or None, committee=scope.committee(request)),
        perform=perform,
        success=_("已追加承办单位。"),
        title=_("追加承办单位"),
        submit=_("追加"),
        back_url=_detail_url(proposal.pk),
        proposal=proposal,
        agencies=active_agencies(scope.committee(request)),
    )


def _assignment(request, pk):
    return scope.get(
        request, Assignment.objects.select_related("agency", "proposal__session"), pk=pk
    )


def deadline(request, pk):
    assignment = _assignment(request, pk)
    latest = deadlines.latest_extension(
        timezone.localdate(assignment.assigned_at), deadlines.rules_for(assignment)
    )
    return action_page(
        request,
        form=ChangeDeadlineForm(request.POST or None, initial={"deadline": assignment.deadline}),
        perform=lambda data: change_deadline(
            assignment, deadline=data["deadline"], reason=data["reason"], by=request.user
        ),
        success=_("已调整%(agency)s的办理期限。") % {"agency": assignment.agency.name},
        title=_("调整办理期限"),
        submit=_("保存新期限"),
        intro=_("%(agency)s，现期限 %(deadline)s（%(why)s）。%(limit)s")
        % {
            "agency": assignment.agency.name,
            "deadline": f"{assignment.deadline:%Y-%m-%d}",
            "why": deadlines.explain(assignment),
            "limit": latest.explanation,
        },
        back_url=_detail_url(assignment.proposal_id),
        proposal=assignment.proposal,
    )


def waive(request, pk):
    """免于等待会办意见: GET says what it does and that it cannot be undone; POST does it."""
    assignment = _assignment(request, pk)
    missing = missing_opinions(assignment) if assignment.is_open else []
    return action_page(
        request,
        form=NoteForm(request.POST if request.method == "POST" else None),
        perform=lambda data: waive_joint_opinions(assignment, by=request.user, note=data["note"]),
        success=_("%(agency)s可不再等待会办意见，直接答复。") % {"agency": assignment.agency.name},
        title=_("免于等待会办意见"),
        submit=_("确认免于等待"),
        intro=_(
            "%(lead)s将不再等待%(missing)s的会办意见，可以直接答复提案人；这些单位不再被催办，"
            "也不计逾期（仍可提交会办意见）。此操作不能撤销。"
        )
        % {
            "lead": assignment.agency.name,
            "missing": "、".join(a.agency.name for a in missing) or _("其他单位"),
        },
        back_url=_detail_url(assignment.proposal_id),
        proposal=assignment.proposal,
    )


def requests(request):
    """待审批: the agencies' reassignment and extension requests, oldest first."""
    committee = scope.committee(request)
    reassignments = RequestFilter(
        request.GET or None, queryset=pending_reassignments(committee), committee=committee
    )
    extensions = RequestFilter(
        request.GET or None, queryset=pending_extensions(committee), committee=committee
    )
    return staff_render(
        request,
        "staff/requests.html",
        {
            "filter": reassignments,
            "reassignments": paginate(request, reassignments.qs, 50),
            "extensions": paginate(request, extensions.qs, 50),
        },
        section="requests",
    )


def _pending(request, model, pk):
    return get_object_or_404(
        model.objects.select_related("assignment__agency", "assignment__proposal__session"),
        pk=pk,
        assignment__proposal__committee=scope.committee(request),
    )


def decide_reassignment_view(request, pk):
    item = _pending(request, ReassignmentRequest, pk)
    assignment = item.assignment

    def perform(data):
        return decide_reassignment(
            item,
            approve=data["decision"] == "approve",
            note=data.get("note", ""),
            new_agency=data.get("new_agency"),
            by=request.user,
        )

    fallback = _detail_url(assignment.proposal_id)
    # The agency the officer suggested, ready to confirm (an agency's name, not free text).
    suggested = suggested_agency(item)
    initial = {"new_agency": suggested.name} if suggested else {}
    return action_page(
        request,
        form=ReassignmentDecisionForm(
            request.POST or None, initial=initial, committee=scope.committee(request)
        ),
        perform=perform,
        success=_("已审批%(agency)s的调整申请。") % {"agency": assignment.agency.name},
        title=_("审批调整申请"),
        submit=_("提交审批"),
        back_url=fallback,
        done_url=_next_url(request, fallback),
        section="requests",
        proposal=assignment.proposal,
        agency_request=item,
        agencies=active_agencies(scope.committee(request)),
        decided=item.status != RequestStatus.PENDING,
    )


def decide_extension_view(request, pk):
    item = _pending(request, ExtensionRequest, pk)
    assignment = item.assignment

    def perform(data):
        return decide_extension(
            item,
            approve=data["decision"] == "approve",
            note=data.get("note", ""),
            by=request.user,
        )

    fallback = _detail_url(assignment.proposal_id)
    return action_page(
        request,
        form=DecisionForm(request.POST or None),
        perform=perform,
        success=_("已审批%(agency)s的延期申请。") % {"agency": assignment.agency.name},
        title=_("审批延期申请"),
        submit=_("提交审批"),
        back_url=fallback,
        done_url=_next_url(request, fallback),
        section="requests",
        proposal=assignment.proposal,
        agency_request=item,
        decided=item.status != RequestStatus.PENDING,
    )


def _next_url(request, fallback: str) -> str:
    response = redirect_next(request, None)
    return response.url if response is not None else fallback
