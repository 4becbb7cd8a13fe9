"""Admin for the working calendar, the reminder settings and the reminder records.

Calendar days are saved through responses.recalculation.change_calendar_day, which moves the
deadlines still running and says which; reminders, notifications and e-mails are made
by the sweep and are read-only here, except that a failed e-mail can be sent again.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import ReadOnlyAdminMixin, StaffRoleAccess, is_staff_role
from responses import reminders
from responses.calendar import WorkingCalendar, weekday_name
from responses.models import (
    CalendarDay,
    Delivery,
    DeliveryStatus,
    Notification,
    Reminder,
    ReminderSettings,
)
from responses.recalculation import change_calendar_day


@admin.register(CalendarDay)
class CalendarDayAdmin(StaffRoleAccess, admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working_day", "name", "official", "note", "updated_by")
    list_filter = ("is_working_day",)
    search_fields = ("name", "note")
    date_hierarchy = "date"
    fields = ("date", "is_working_day", "name", "note")

    @admin.display(description=_("星期"))
    def weekday(self, day):
        return weekday_name(day.date)

    @admin.display(description=_("官方日历原为"))
    def official(self, day):
        info = WorkingCalendar().info(day.date)
        return f"{_('上班') if info.is_working else _('放假')} {info.label}".strip()

    def has_delete_permission(self, request, obj=None):
        return is_staff_role(request) or super().has_delete_permission(request, obj)

    def _report(self, request, changes):
        if not changes:
            messages.info(request, _("没有需要调整的办理期限。"))
            return
        messages.warning(
            request,
            ngettext(
                "工作日历已调整，%(count)d 个期限随之变动（已记录在各交办的操作记录中）。",
                "工作日历已调整，%(count)d 个期限随之变动（已记录在各交办的操作记录中）。",
                len(changes),
            )
            % {"count": len(changes)},
        )

    def save_model(self, request, obj, form, change):
        # Through the service, so the running deadlines move with the calendar.
        if change and "date" in form.changed_data:
            old = CalendarDay.objects.get(pk=obj.pk).date
            moved = change_calendar_day(old, is_working_day=None, by=request.user)
        else:
            moved = []
        moved += change_calendar_day(
            obj.date,
            is_working_day=obj.is_working_day,
            name=obj.name,
            note=obj.note,
            by=request.user,
        )
        obj.pk = CalendarDay.objects.get(date=obj.date).pk
        self._report(request, moved)

    def delete_model(self, request, obj):
        self._report(request, change_calendar_day(obj.date, is_working_day=None, by=request.user))

    def delete_queryset(self, request, queryset):
        moved = []
        for day in queryset:
            moved += change_calendar_day(day.date, is_working_day=None, by=request.user)
        self._report(request, moved)


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(StaffRoleAccess, admin.ModelAdmin):
    """One row per committee. The days of the schedule are in 办理规则 (CommitteeRules)."""

    list_display = ("committee", "send_time", "escalate_to_staff", "notify_supervisor")

    def get_readonly_fields(self, request, obj=None):
        return ("committee",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "send_time" in form.changed_data:  # every stored next point moves with it
            count = reminders.reschedule_open_assignments()
            messages.info(request, _("已按新的提醒时间重排 %(count)s 个交办。") % {"count": count})

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("due_on", "kind", "target", "assignment", "deadline", "days_left", "escalated")
    list_filter = ("kind", "target", "escalated", "due_on")
    search_fields = ("=assignment__proposal__number", "assignment__agency__name")
    list_select_related = ("assignment__proposal", "assignment__agency")
    date_hierarchy = "due_on"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "title", "read_at", "delivery")
    list_filter = ("kind", "created_at")
    search_fields = ("=assignment__proposal__number", "user__username", "user__display_name")
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user", "delivery__recipient")
        return reminders.displayable(queryset)

    @admin.display(description=_("标题"))
    def title(self, notification):
        return reminders.notification_text(notification).title


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "recipient",
        "to_email",
        "status",
        "attempts",
        "last_error",
    )
    list_filter = ("status", "kind", "day")
    search_fields = ("recipient__username", "to_email", "subject", "last_error")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    actions = ("send_again",)

    @admin.action(description=_("重新发送所选邮件"))
    def send_again(self, request, queryset):
        chosen = queryset.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING])
        for delivery in chosen:
            reminders.resend(delivery, by=request.user)
        messages.success(request, _("已重新排队发送 %(count)s 封邮件。") % {"count": len(chosen)})

    def has_change_permission(self, request, obj=None):
        # Needed for the action; the form itself stays read-only (no editable fields).
        return is_staff_role(request) or super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
