"""The agency officer's portal (承办单位): 我的办理, one assignment, and its actions.

Thin views: each POST calls exactly one service from responses.services and shows its
TransitionError message when the service refuses. Every object is looked up through
officer.selectors scoped to the officer's agency, so another agency's id is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import permissions
from common import clock
from officer import kept_letters, selectors
from officer.filters import OfficerAssignmentFilter
from officer.forms import ExtensionForm, OpinionForm, ReassignmentForm, ReplyForm
from responses import deadlines, handling, policies, services, timeliness
from responses.models import ReplyStatus, Role
from responses.templatetags.reply_words import reply_moment

PAGE_SIZE = 20


# An officer whose login is linked to no agency has no work here: a clear 403 rather than
# empty pages (the guard is accounts.permissions', the question responses.policies').
officer_required = permissions.guard(
    policies.is_agency_officer,
    gettext_lazy("您的账号尚未关联承办单位，无法使用承办单位工作台。请联系提案委员会工作人员。"),
)


def _own(lookup, request, object_id):
    """Fetch through an agency-scoped selector; anything else is simply not found."""
    try:
        return lookup(policies.agency_of(request.user), object_id)
    except ObjectDoesNotExist:
        raise Http404 from None


@officer_required
def dashboard(request):
    """我的办理: the agency's assignments, filtered, sorted and paginated."""
    agency = policies.agency_of(request.user)
    filterset = OfficerAssignmentFilter(
        request.GET or None,
        queryset=selectors.officer_assignments(agency),
        request=request,
        committee_id=agency.committee_id if agency else None,
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    rows = [
        {
            "assignment": assignment,
            "is_open": timeliness.owes(assignment),
            "finished": timeliness.is_finished(assignment),
            "due": timeliness.due_date(assignment),
            "days_left": timeliness.days_left(assignment, today),
            "overdue_days": -timeliness.days_left(assignment, today),
            "overdue": timeliness.is_overdue(assignment, today),
            "co_handlers": selectors.co_handlers(assignment),
            "waiting": selectors.waiting_on_agency(assignment),
        }
        for assignment in page.object_list
    ]
    return render(
        request,
        "officer/dashboard.html",
        {"filter": filterset, "page_obj": page, "rows": rows, "agency": agency},
    )


@officer_required
def assignment_detail(request, assignment_id):
    """The proposal, the deadline and why, co-handlers, history and what can be done now."""
    detail = _own(selectors.assignment_detail, request, assignment_id)
    assignment = detail.assignment
    today = clock.today()
    return render(
        request,
        "officer/assignment_detail.html",
        {
            "detail": detail,
            "actions": policies.actions_for(
                request.user,
                assignment,
                pending_extension=detail.pending_extension,
                missing_opinions=detail.missing_opinions,
            ),
            "assignment": assignment,
            "proposal": assignment.proposal,
            "owes": timeliness.owes(assignment),
            "due": timeliness.due_date(assignment),
            "days_left": timeliness.days_left(assignment, today),
            "overdue_days": -timeliness.days_left(assignment, today),
            "overdue": timeliness.is_overdue(assignment, today),
            "latest_extension": _latest_extension(assignment),
        },
    )


def _latest_extension(assignment):
    return deadlines.latest_extension(
        timezone.localdate(assignment.assigned_at), deadlines.rules_for(assignment)
    )


def _refused(request, exc):
    """A service said no: its own Chinese message, shown as an error."""
    messages.error(request, " ".join(exc.messages))


def _simple_action(request, assignment, *, service, title, question, button, done):
    """GET: a page that asks for confirmation; POST: call the one service."""
    if request.method == "POST":
        try:
            service(assignment, by=request.user)
        except services.TransitionError as exc:
            _refused(request, exc)
        else:
            messages.success(request, done)
        return redirect("officer:assignment", assignment_id=assignment.pk)
    return render(
        request,
        "officer/confirm.html",
        {
            "assignment": assignment,
            "proposal": assignment.proposal,
            "title": title,
            "question": question,
            "button": button,
            "back_url": reverse("officer:assignment", kwargs={"assignment_id": assignment.pk}),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def accept(request, assignment_id):
    assignment = _own(selectors.own_assignment, request, assignment_id)
    return _simple_action(
        request,
        assignment,
        service=services.accept_assignment,
        title=_("签收"),
        question=_("确认签收该交办？签收后即开始办理。"),
        button=_("确认签收"),
        done=_("已签收。"),
    )


def _form_action(request, assignment, *, form, template_context, perform, done):
    """Validate the form, call the one service, show its refusal on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except services.TransitionError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, done)
            return redirect("officer:assignment", assignment_id=assignment.pk)
    return render(
        request,
        "officer/action_form.html",
        {"assignment": assignment, "proposal": assignment.proposal, "form": form}
        | template_context,
    )


@officer_required
@require_http_methods(["GET", "POST"])
def request_reassignment(request, assignment_id):
    assignment = _own(selectors.own_assignment, request, assignment_id)
    form = ReassignmentForm(request.POST if request.method == "POST" else None)
    last_day = assignment.reassignment_deadline
    return _form_action(
        request,
        assignment,
        form=form,
        template_context={
            "title": _("申请调整"),
            "intro": (
                _("认为该提案不属于本单位职责范围的，请在 %(date)s 前提出调整申请。")
                % {"date": f"{last_day:%Y-%m-%d}"}
                if last_day
                else ""
            ),
            "button": _("提交调整申请"),
        },
        perform=lambda data: services.request_reassignment(
            assignment,
            reason=data["reason"],
            suggested_agency=data["suggested_agency"],
            by=request.user,
        ),
        done=_("调整申请已提交，等待提案委员会审批。"),
    )


@officer_required
@require_http_methods(["GET", "POST"])
def request_extension(request, assignment_id):
    assignment = _own(selectors.own_assignment, request, assignment_id)
    latest = _latest_extension(assignment)
    form = ExtensionForm(request.POST if request.method == "POST" else None, latest=latest.date)
    return _form_action(
        request,
        assignment,
        form=form,
        template_context={
            "title": _("申请延期"),
            "intro": _("现办理期限为 %(deadline)s。最晚可延至 %(latest)s（%(rule)s）。")
            % {
                "deadline": f"{assignment.deadline:%Y-%m-%d}",
                "latest": f"{latest.date:%Y-%m-%d}",
                "rule": latest.explanation,
            },
            "button": _("提交延期申请"),
        },
        perform=lambda data: services.request_extension(
            assignment,
            requested_deadline=data["requested_deadline"],
            reason=data["reason"],
            by=request.user,
        ),
        done=_("延期申请已提交，等待提案委员会审批。"),
    )


@officer_required
@require_http_methods(["GET", "POST"])
def file_opinion(request, assignment_id):
    assignment = _own(selectors.own_assignment, request, assignment_id)
    bound = request.method == "POST"
    form = OpinionForm(request.POST if bound else None, request.FILES if bound else None)
    lead = next((a.agency for a in selectors.co_handlers(assignment) if a.role == Role.LEAD), None)
    return _form_action(
        request,
        assignment,
        form=form,
        template_context={
            "title": _("提交会办意见"),
            "intro": (
                _("会办意见将送交主办单位 %(lead)s，由其统一答复提案人。") % {"lead": lead}
                if lead
                else ""
            ),
            "button": _("提交会办意见"),
            "multipart": True,
        },
        perform=lambda data: services.file_joint_opinion(
            assignment, body=data["body"], attachment=data["attachment"], by=request.user
        ),
        done=_("会办意见已提交。"),
    )


@officer_required
@require_http_methods(["GET", "POST"])
def file_reply(request, assignment_id):
    """填报答复: the letter and its details, saved as a draft; the preview comes next.

    A missing joint opinion is said at the top before anything is typed; a refused save
    keeps its letter (officer.kept_letters) so it need not be chosen again."""
    assignment = _own(selectors.own_assignment, request, assignment_id)
    draft = (
        assignment.replies.filter(status=ReplyStatus.DRAFT).prefetch_related("documents").first()
    )
    has_letter = bool(draft and draft.documents.all())
    kept = None
    if request.method == "POST":
        kept = kept_letters.restore(
            request.POST.get(kept_letters.FIELD, ""), user=request.user, assignment=assignment
        )
        form = ReplyForm(
            request.POST,
            request.FILES,
            has_letter=has_letter,
            kept=kept,
            rules=deadlines.rules_for(assignment),
        )
        if form.is_valid():
            reply, kept = _file_reply(request, assignment, form, kept)
            if reply is not None:
                messages.success(request, _("答复已保存，请核对转换后的 PDF 后确认。"))
                return redirect("officer:reply", reply_id=reply.pk)
        elif "upload" not in form.errors and form.cleaned_data.get("upload"):
            kept = _keep(request, assignment, form.cleaned_data["upload"]) or kept
    else:
        initial = ReplyForm.initial_from(draft) if draft else {}
        form = ReplyForm(
            initial=initial, has_letter=has_letter, rules=deadlines.rules_for(assignment)
        )
    return render(
        request,
        "officer/reply_form.html",
        {
            "assignment": assignment,
            "proposal": assignment.proposal,
            "form": form,
            "draft": draft,
            "kept": kept,
            "kept_field": kept_letters.FIELD,
            "missing_opinions": handling.missing_opinions(assignment),
        },
    )


def _keep(request, assignment, upload):
    return kept_letters.keep(upload, user=request.user, assignment=assignment)


def _file_reply(request, assignment, form, kept):
    """Call the service with the new letter, or the kept one; (reply or None, kept)."""
    kwargs = form.service_kwargs()
    fresh = kwargs["upload"]
    letter = None if fresh is not None or kept is None else kept.open()
    try:
        reply = services.file_reply(
            assignment, by=request.user, **kwargs | {"upload": fresh or letter}
        )
    except services.TransitionError as exc:
        form.add_error(None, exc.messages)
        if fresh is not None:
            kept = _keep(request, assignment, fresh) or kept
        return None, kept
    finally:
        if letter is not None:
            letter.close()
    kept_letters.discard(kept)
    return reply, None


@officer_required
def reply_detail(request, reply_id):
    """The preview: the rendered PDF, its render state, and 确认答复 while a draft."""
    reply = _own(selectors.own_reply, request, reply_id)
    documents = list(reply.documents.prefetch_related("findings"))
    rendering = selectors.reply_is_rendering(reply)
    return render(
        request,
        "officer/reply_detail.html",
        {
            "reply": reply,
            "assignment": reply.assignment,
            "proposal": reply.assignment.proposal,
            "documents": documents,
            "rendering": rendering,
            "actions": policies.reply_actions_for(request.user, reply),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def confirm_reply(request, reply_id):
    reply = _own(selectors.own_reply, request, reply_id)
    if request.method == "POST":
        try:
            services.confirm_reply(reply, by=request.user)
        except services.TransitionError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("答复已确认，不能再修改；如需更正请联系提案委员会。"))
        return redirect("officer:reply", reply_id=reply.pk)
    return render(
        request,
        "officer/confirm.html",
        {
            "assignment": reply.assignment,
            "proposal": reply.assignment.proposal,
            "title": _("确认答复"),
            "question": _(
                "确认后，本单位的这份答复即为正式答复：内容和答复函将锁定，不能再修改或更换；"
                "提案人可以查看并评价；公开的答复在提案公开后刊登在公开网站上。"
            ),
            "details": _reply_facts(reply),
            "irreversible": _("此操作不能撤销。如确认后发现错误，只能联系提案委员会退回。"),
            "button": _("确认答复"),
            "back_url": reverse("officer:reply", kwargs={"reply_id": reply.pk}),
        },
    )


def _reply_facts(reply) -> list[tuple[str, str]]:
    """What is being confirmed, as the officer will no longer be able to change it."""
    return [
        (_("办理类型"), reply.classification_display),
        (_("答复时间"), reply_moment(reply.replied_at)),
        (_("签发人"), reply.signer),
        (_("公开属性"), _("公开") if reply.is_public else _("不公开")),
        (_("答复函"), "、".join(d.original_name for d in reply.documents.all()) or "—"),
    ]


@officer_required
@require_http_methods(["GET", "POST"])
def remove_document(request, document_id):
    """Take a letter off a draft reply, e.g. one that failed to render, to upload another."""
    document = _own(selectors.own_document, request, document_id)
    reply = document.reply
    if request.method == "POST":
        try:
            services.remove_document(document, by=request.user)
        except services.TransitionError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                _("已删除答复函“%(name)s”，请重新上传。") % {"name": document.original_name},
            )
        return redirect("officer:reply", reply_id=reply.pk)
    return render(
        request,
        "officer/confirm.html",
        {
            "assignment": reply.assignment,
            "proposal": reply.assignment.proposal,
            "title": _("删除答复函"),
            "question": _("确定删除答复函“%(name)s”吗？删除后可重新上传。")
            % {"name": document.original_name},
            "button": _("删除"),
            "back_url": reverse("officer:reply", kwargs={"reply_id": reply.pk}),
        },
    )
