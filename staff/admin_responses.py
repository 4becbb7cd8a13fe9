"""Admin for agencies, the committee's rules and the handling records.

Assignments, requests, opinions, replies, documents and feedback are made by
responses.services (which checks the rules and writes the audit trail), so here they
can be found, read and have their descriptive fields corrected, but not created and
their state fields are read-only.
"""

import datetime as dt

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

import staff.admin_reminders  # noqa: F401  (the calendar and reminder models)
from accounts.admin import StaffRoleAccess
from common import clock
from responses import deadlines, timeliness
from responses.models import (
    Agency,
    AgencyMembership,
    Assignment,
    CommitteeRules,
    DeadlineChange,
    ExtensionRequest,
    Feedback,
    JointOpinion,
    ReassignmentRequest,
    Reply,
    ReplyDocument,
)


class WorkflowRecordAdmin(StaffRoleAccess, admin.ModelAdmin):
    """A row made by a service: never added here."""

    staff_may_add = False

    def has_add_permission(self, request):
        return False


class WorkflowInline(StaffRoleAccess, admin.TabularInline):
    """A read-only list of a record's children, each linked to its own page."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class OfficerInline(StaffRoleAccess, admin.TabularInline):
    """The officers of an agency, on the agency's page (each links to its login)."""

    model = AgencyMembership
    fk_name = "agency"
    fields = ("user", "display_name", "email", "phone", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("联络员")
    verbose_name_plural = _("联络员")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("姓名"))
    def display_name(self, membership):
        return membership.user.display_name

    @admin.display(description=_("电子邮箱"))
    def email(self, membership):
        return membership.user.email

    @admin.display(description=_("联系电话"))
    def phone(self, membership):
        return membership.user.phone

    @admin.display(description=_("启用"), boolean=True)
    def is_active(self, membership):
        return membership.user.is_active


class AgencyMembershipInline(StaffRoleAccess, admin.StackedInline):
    """On a login's page: the agency an officer acts for."""

    model = AgencyMembership
    fields = ("agency",)
    autocomplete_fields = ("agency",)
    extra = 0


@admin.register(Agency)
class AgencyAdmin(StaffRoleAccess, admin.ModelAdmin):
    list_display = ("name", "short_name", "email", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "short_name", "email")
    inlines = (OfficerInline,)


@admin.register(CommitteeRules)
class CommitteeRulesAdmin(StaffRoleAccess, admin.ModelAdmin):
    """One row per committee: its periods and classification scheme (the defaults of
    docs/domain.md until saved)."""

    list_display = (
        "committee",
        "reply_months",
        "max_months",
        "reassignment_working_days",
        "joint_opinion_months",
        "classification_scheme",
    )
    fieldsets = (
        (None, {"fields": ("committee",)}),
        (
            _("办理期限"),
            {
                "fields": (
                    "reply_months",
                    "max_months",
                    "reassignment_working_days",
                    "joint_opinion_months",
                    "rehandling_months",
                )
            },
        ),
        (_("答复类别"), {"fields": ("classification_scheme",)}),
        (_("催办提醒"), {"fields": ("reminder_days_before", "overdue_reminder_every_days")}),
        (_("公开答复函"), {"fields": ("redact_landlines",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        return ("committee",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False


# --- Assignment and what hangs on it ---------------------------------------------------


class ReassignmentRequestInline(WorkflowInline):
    model = ReassignmentRequest
    fields = ("requested_at", "requested_by", "reason", "suggested_agency", "status", "decided_by")


class ExtensionRequestInline(WorkflowInline):
    model = ExtensionRequest
    fields = (
        "requested_at",
        "requested_by",
        "previous_deadline",
        "requested_deadline",
        "reason",
        "status",
        "decided_by",
    )


class JointOpinionInline(WorkflowInline):
    model = JointOpinion
    fields = ("filed_at", "filed_by", "body")


class ReplyInline(WorkflowInline):
    model = Reply
    fields = ("round", "status", "classification_display", "replied_at", "signer")

    @admin.display(description=_("办理类型"))
    def classification_display(self, reply):
        return reply.get_classification_display()


class DeadlineChangeInline(WorkflowInline):
    model = DeadlineChange
    fields = (
        "kind",
        "rule",
        "start",
        "months",
        "previous",
        "date",
        "day",
        "requested",
        "reason",
        "by",
        "at",
    )
    show_change_link = False
    verbose_name_plural = _("期限变动（计算说明的依据）")


class OverdueFilter(admin.SimpleListFilter):
    title = _("是否逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("已逾期")), ("soon", _("30 天内到期")))

    def queryset(self, request, queryset):
        today = clock.today()
        if self.value() == "yes":
            return queryset.filter(timeliness.overdue_q(today))
        if self.value() == "soon":
            return queryset.filter(timeliness.due_between_q(today, today + dt.timedelta(days=30)))
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(WorkflowRecordAdmin):
    list_display = (
        "proposal",
        "agency",
        "role",
        "state",
        "assigned_at",
        "deadline",
        "overdue",
    )
    list_filter = ("state", "role", OverdueFilter, "agency")
    search_fields = ("=proposal__number", "proposal__title", "agency__name")
    search_help_text = _("按提案编号（精确）、提案标题或承办单位名称查找")
    list_select_related = ("proposal", "agency")
    date_hierarchy = "deadline"
    fields = (
        "proposal",
        "agency",
        "role",
        "state",
        "assigned_at",
        "deadline",
        "deadline_explanation",
        "opinion_deadline",
        "reassignment_deadline",
        "opinions_waived",
        "accepted_at",
        "accepted_by",
        "completed_at",
        "next_reminder_at",
        "events",
    )
    # Every field here is set by a transition (deadlines by responses.deadlines, with
    # the rule that made them): editing one by hand would skip its rule and its record.
    readonly_fields = fields
    inlines = (
        ReassignmentRequestInline,
        ExtensionRequestInline,
        JointOpinionInline,
        ReplyInline,
        DeadlineChangeInline,
    )

    @admin.display(description=_("逾期"), boolean=True)
    def overdue(self, assignment):
        return timeliness.is_overdue(assignment)

    @admin.display(description=_("期限计算说明"))
    def deadline_explanation(self, assignment):
        return deadlines.explain(assignment)

    @admin.display(description=_("操作记录"))
    def events(self, assignment):
        """The audit trail names an assignment by id (proposals.Event.assignment_id): its
        rows are listed on the trail's own page, filtered."""
        url = reverse("admin:proposals_event_changelist")
        return format_html(
            '<a href="{}?assignment_id={}">{}</a>', url, assignment.pk, _("本交办的操作记录")
        )


class AgencyRequestAdmin(WorkflowRecordAdmin):
    list_filter = ("status", "requested_at")
    search_fields = (
        "=assignment__proposal__number",
        "assignment__proposal__title",
        "assignment__agency__name",
        "reason",
    )
    list_select_related = ("assignment__proposal", "assignment__agency", "requested_by")
    date_hierarchy = "requested_at"
    readonly_fields = (
        "assignment",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
    )

    @admin.display(description=_("提案"), ordering="assignment__proposal__number")
    def proposal(self, request_row):
        return request_row.assignment.proposal

    @admin.display(description=_("承办单位"), ordering="assignment__agency__name")
    def agency(self, request_row):
        return request_row.assignment.agency


@admin.register(ReassignmentRequest)
class ReassignmentRequestAdmin(AgencyRequestAdmin):
    list_display = (
        "proposal",
        "agency",
        "suggested_agency",
        "status",
        "requested_by",
        "requested_at",
    )


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(AgencyRequestAdmin):
    list_display = (
        "proposal",
        "agency",
        "previous_deadline",
        "requested_deadline",
        "status",
        "requested_by",
        "requested_at",
    )
    readonly_fields = (*AgencyRequestAdmin.readonly_fields, "previous_deadline")


@admin.register(JointOpinion)
class JointOpinionAdmin(WorkflowRecordAdmin):
    list_display = ("assignment", "filed_by", "filed_at")
    search_fields = (
        "=assignment__proposal__number",
        "assignment__proposal__title",
        "assignment__agency__name",
        "body",
    )
    list_select_related = ("assignment__agency", "assignment__proposal", "filed_by")
    date_hierarchy = "filed_at"
    readonly_fields = ("assignment", "attachment", "filed_by", "filed_at")


# --- Reply, its documents and the sponsors' feedback ---------------------------------


class ReplyDocumentInline(WorkflowInline):
    model = ReplyDocument
    fields = ("original_name", "doc_type", "size", "render_status", "render_error", "uploaded_at")


class FeedbackInline(WorkflowInline):
    model = Feedback
    fields = ("sponsor", "satisfaction", "comment", "recorded_by", "recorded_at")


@admin.register(Reply)
class ReplyAdmin(WorkflowRecordAdmin):
    list_display = (
        "proposal",
        "agency",
        "round",
        "classification_display",
        "status",
        "replied_at",
        "signer",
        "is_public",
    )
    list_filter = ("status", "classification", "is_public", "round")
    search_fields = (
        "=assignment__proposal__number",
        "assignment__proposal__title",
        "assignment__agency__name",
        "signer",
        "summary",
    )
    list_select_related = ("assignment__proposal", "assignment__agency")
    date_hierarchy = "replied_at"
    fieldsets = (
        (None, {"fields": ("assignment", "round", "status")}),
        (
            _("答复"),
            {
                "fields": (
                    "classification",
                    "classification_scheme",
                    "replied_at",
                    "signer",
                    "contact",
                    "contact_phone",
                    "is_public",
                    "summary",
                )
            },
        ),
        (_("记录"), {"fields": ("filed_by", "created_at", "confirmed_at")}),
    )
    readonly_fields = (
        "assignment",
        "round",
        "status",
        "classification",
        "classification_scheme",
        "filed_by",
        "created_at",
        "confirmed_at",
    )
    inlines = (ReplyDocumentInline, FeedbackInline)

    @admin.display(description=_("提案"), ordering="assignment__proposal__number")
    def proposal(self, reply):
        return reply.assignment.proposal

    @admin.display(description=_("承办单位"), ordering="assignment__agency__name")
    def agency(self, reply):
        return reply.assignment.agency

    @admin.display(description=_("办理类型"), ordering="classification")
    def classification_display(self, reply):
        return reply.get_classification_display()


@admin.register(ReplyDocument)
class ReplyDocumentAdmin(WorkflowRecordAdmin):
    list_display = (
        "original_name",
        "proposal",
        "agency",
        "doc_type",
        "size",
        "render_status",
        "render_attempts",
        "uploaded_at",
    )
    list_filter = ("render_status", "doc_type")
    search_fields = (
        "original_name",
        "sha256",
        "=reply__assignment__proposal__number",
        "reply__assignment__proposal__title",
    )
    list_select_related = ("reply__assignment__proposal", "reply__assignment__agency")
    date_hierarchy = "uploaded_at"
    # The files are private (no public MEDIA_URL): show their stored names, not links.
    fields = (
        "reply",
        "original_name",
        "original_path",
        "doc_type",
        "size",
        "sha256",
        "pdf_path",
        "render_status",
        "render_attempts",
        "render_error",
        "rendered_at",
        "uploaded_by",
        "uploaded_at",
        "text",
    )
    readonly_fields = fields

    @admin.display(description=_("提案"))
    def proposal(self, document):
        return document.reply.assignment.proposal

    @admin.display(description=_("承办单位"))
    def agency(self, document):
        return document.reply.assignment.agency

    @admin.display(description=_("原件存储位置"))
    def original_path(self, document):
        return document.original.name

    @admin.display(description=_("PDF 存储位置"))
    def pdf_path(self, document):
        return document.pdf.name or "—"


@admin.register(Feedback)
class FeedbackAdmin(WorkflowRecordAdmin):
    list_display = ("sponsor", "reply", "satisfaction", "recorded_by", "recorded_at")
    list_filter = ("satisfaction", "recorded_at")
    search_fields = (
        "sponsor__name",
        "=reply__assignment__proposal__number",
        "reply__assignment__proposal__title",
        "comment",
    )
    list_select_related = (
        "sponsor",
        "reply__assignment__agency",
        "reply__assignment__proposal",
        "recorded_by",
    )
    date_hierarchy = "recorded_at"
    readonly_fields = ("reply", "sponsor", "satisfaction", "recorded_by", "recorded_at")
