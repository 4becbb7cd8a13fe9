"""Admin for sessions, categories, sponsors, proposals and their audit trail.

Workflow fields (status, review, publication, closing) are read-only here: a change of
state goes through proposals.services, which checks the rules, writes the Event row and
refreshes what is derived from it. Publication is offered as list actions that call
those services.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import ReadOnlyAdminMixin, StaffRoleAccess
from proposals.models import (
    Action,
    Category,
    Event,
    ImportBatch,
    Proposal,
    ProposalView,
    PublicPage,
    SearchDocument,
    Session,
    Sponsor,
    SponsorAccount,
    Sponsorship,
    Status,
)
from proposals.services import publish_proposal, unpublish_proposal
from proposals.workflow import record_event
from responses.models import Assignment, AssignmentState, ReplyStatus
from staff.selectors import with_agency_names

# An event's from/to states are codes of whichever record changed: a proposal, an
# assignment or a reply. Show the label of the first vocabulary that knows the code.
_STATE_LABELS = {
    **dict(ReplyStatus.choices),
    **dict(AssignmentState.choices),
    **dict(Status.choices),
}


def state_label(code: str) -> str:
    return _STATE_LABELS.get(code, code) or "—"


class EventStatesMixin:
    @admin.display(description=_("原状态"), ordering="from_state")
    def from_state_label(self, event):
        return state_label(event.from_state)

    @admin.display(description=_("新状态"), ordering="to_state")
    def to_state_label(self, event):
        return state_label(event.to_state)


@admin.register(Session)
class SessionAdmin(StaffRoleAccess, admin.ModelAdmin):
    list_display = ("name", "term", "meeting", "year", "opened_on", "is_current")
    list_filter = ("is_current", "term", "year")
    search_fields = ("name",)


@admin.register(Category)
class CategoryAdmin(StaffRoleAccess, admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


@admin.register(Sponsor)
class SponsorAdmin(StaffRoleAccess, admin.ModelAdmin):
    list_display = ("name", "kind", "affiliation", "phone", "email", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "affiliation", "email", "phone")


class SponsorAccountInline(StaffRoleAccess, admin.StackedInline):
    """On a login's page: the sponsor a sponsor user acts for."""

    model = SponsorAccount
    fields = ("sponsor",)
    autocomplete_fields = ("sponsor",)
    extra = 0


class SponsorshipInline(StaffRoleAccess, admin.TabularInline):
    model = Sponsorship
    fields = ("sponsor", "is_lead", "order")
    autocomplete_fields = ("sponsor",)
    extra = 0


class AssignmentInline(StaffRoleAccess, admin.TabularInline):
    """Shown for reading; 交办 goes through the staff pages (responses.services)."""

    model = Assignment
    fields = ("agency", "role", "state", "assigned_at", "deadline", "completed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency")

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(EventStatesMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = Event
    fk_name = "proposal"
    fields = (
        "created_at",
        "action",
        "from_state_label",
        "to_state_label",
        "actor",
        "agency",
        "note",
    )
    readonly_fields = fields
    extra = 0
    ordering = ("-created_at", "-id")

    def get_queryset(self, request):
        return with_agency_names(super().get_queryset(request).select_related("actor"))

    @admin.display(description=_("承办单位"))
    def agency(self, event):
        return event.agency_name


class PublishedFilter(admin.SimpleListFilter):
    title = _("公开状态")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return (("yes", _("已公开")), ("no", _("未公开")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_published=True)
        if self.value() == "no":
            return queryset.filter(is_published=False)
        return queryset


@admin.register(Proposal)
class ProposalAdmin(StaffRoleAccess, admin.ModelAdmin):
    list_display = (
        "number",
        "title",
        "session_year",
        "category",
        "lead_sponsor_name",
        "status",
        "is_key",
        "is_published",
    )
    list_display_links = ("number", "title")
    list_filter = ("session", "status", "kind", "category", "is_key", PublishedFilter)
    search_fields = ("=number", "title", "sponsors__name")
    search_help_text = _("按编号（精确）、标题或提案人名称查找")
    list_select_related = ("session", "category")
    date_hierarchy = "submitted_at"
    ordering = ("-session__year", "number")
    autocomplete_fields = ("session", "category", "supervisor")
    readonly_fields = (
        "status",
        "reviewed_at",
        "review_note",
        "merged_into",
        "is_published",
        "published_at",
        "view_count",
        "closed_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("session", "number", "kind", "title", "body", "category")}),
        (_("提交与审查"), {"fields": ("submitted_at", "status", "reviewed_at", "review_note")}),
        (_("并案"), {"fields": ("merged_into",)}),
        (_("重点提案"), {"fields": ("is_key", "supervisor")}),
        (
            _("公开与办结"),
            {"fields": ("is_published", "published_at", "view_count", "closed_at")},
        ),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (SponsorshipInline, AssignmentInline, EventInline)
    actions = ("publish_selected", "unpublish_selected")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("sponsorships", Sponsorship.objects.select_related("sponsor"))
            )
        )

    @admin.display(description=_("年份"), ordering="session__year")
    def session_year(self, proposal):
        # The full session name is long; the year tells sessions apart in a list, and
        # the session filter on the right gives the full names.
        return proposal.session.year

    @admin.display(description=_("领衔提案人"))
    def lead_sponsor_name(self, proposal):
        return proposal.lead_sponsor or "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The admin is one more way to change a proposal: leave the same audit trail.
        record_event(
            obj,
            Action.UPDATE if change else Action.CREATE,
            by=request.user,
            to_state="" if change else obj.status,
            via="admin",
            fields=sorted(form.changed_data),
        )

    def _run_transition(self, request, queryset, service, done_message):
        done = 0
        for proposal in queryset:
            try:
                service(proposal, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request, f"{proposal.number}. {proposal.title}：{error}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("公开所选提案"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._run_transition(
            request,
            queryset,
            publish_proposal,
            lambda n: (
                ngettext("已公开 %(count)d 件提案。", "已公开 %(count)d 件提案。", n) % {"count": n}
            ),
        )

    @admin.action(description=_("取消公开所选提案"), permissions=["change"])
    def unpublish_selected(self, request, queryset):
        self._run_transition(
            request,
            queryset,
            unpublish_proposal,
            lambda n: (
                ngettext("已取消公开 %(count)d 件提案。", "已取消公开 %(count)d 件提案。", n)
                % {"count": n}
            ),
        )


@admin.register(Event)
class EventAdmin(EventStatesMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail: searchable, never editable."""

    list_display = (
        "created_at",
        "proposal",
        "action",
        "from_state_label",
        "to_state_label",
        "actor",
        "note",
    )
    list_filter = ("action", "created_at")
    search_fields = ("=proposal__number", "proposal__title", "note", "actor__username")
    list_select_related = ("proposal", "actor")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "proposal",
        "assignment",
        "action",
        "from_state_label",
        "to_state_label",
        "actor",
        "note",
        "data",
    )
    readonly_fields = fields

    @admin.display(description=_("交办"))
    def assignment(self, event):
        """The assignment the event is about, linked; its id alone once it is gone."""
        if event.assignment_id is None:
            return None
        assignment = (
            Assignment.objects.select_related("proposal", "agency")
            .filter(pk=event.assignment_id)
            .first()
        )
        if assignment is None:
            return f"#{event.assignment_id}"
        url = reverse("admin:responses_assignment_change", args=[assignment.pk])
        return format_html('<a href="{}">{}</a>', url, assignment)


@admin.register(SearchDocument)
class SearchDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Derived from published proposals by portal.search; shown to check what is indexed."""

    list_display = ("proposal", "updated_at")
    search_fields = ("=proposal__number", "proposal__title", "content")
    list_select_related = ("proposal",)
    fields = ("proposal", "updated_at", "content", "tokens")
    readonly_fields = fields


@admin.register(ProposalView)
class ProposalViewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The view counter's daily dedup marks (hashed visitors, never addresses)."""

    list_display = ("proposal", "day", "visitor")
    list_filter = ("day",)
    search_fields = ("=proposal__number", "proposal__title")
    list_select_related = ("proposal",)
    date_hierarchy = "day"
    readonly_fields = ("proposal", "visitor", "day")


@admin.register(PublicPage)
class PublicPageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Stored public pages (portal.pages): derived, rendered again whenever stale."""

    list_display = ("proposal", "language", "version", "release", "rendered_at")
    list_filter = ("language",)
    search_fields = ("=proposal__number", "proposal__title")
    list_select_related = ("proposal",)
    fields = ("proposal", "language", "version", "release", "rendered_at", "html")
    readonly_fields = fields


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Uploaded spreadsheets: previewed and imported on the staff pages, read here."""

    list_display = (
        "original_name",
        "status",
        "source",
        "row_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
        "created_by",
        "created_at",
        "imported_at",
    )
    list_filter = ("status", "source")
    search_fields = ("original_name", "sha256")
    list_select_related = ("created_by",)
    date_hierarchy = "created_at"
    # The file's bytes stay out of the page: `content` is a BinaryField.
    fields = (
        "original_name",
        "sha256",
        "source",
        "status",
        "row_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
        "report",
        "created_by",
        "created_at",
        "imported_at",
    )
    readonly_fields = fields
