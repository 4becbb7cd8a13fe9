"""Admin for the SMS outbox: read-only, except that staff send a failed message again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import ReadOnlyAdminMixin, is_staff_role
from responses.models import SmsMessage, SmsStatus
from responses.sms import service


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "committee",
        "kind",
        "phone",
        "recipient",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "kind", "committee")
    search_fields = ("=phone", "recipient__username", "dedupe_key", "provider_id", "last_error")
    list_select_related = ("committee", "recipient")
    date_hierarchy = "created_at"
    actions = ("send_again",)

    def get_queryset(self, request):
        # Phones are personal data: staff of a committee see that committee's messages,
        # an installation-wide account (no committee) sees all.
        queryset = super().get_queryset(request)
        committee_id = getattr(request.user, "committee_id", None)
        return queryset if committee_id is None else queryset.filter(committee_id=committee_id)

    @admin.action(description=_("重新发送所选短信"))
    def send_again(self, request, queryset):
        chosen = list(queryset.filter(status__in=[SmsStatus.FAILED, SmsStatus.PENDING]))
        queued = sum(service.resend(message, by=request.user) for message in chosen)
        messages.success(
            request,
            ngettext(
                "已重新排队发送 %(count)d 条短信。", "已重新排队发送 %(count)d 条短信。", queued
            )
            % {"count": queued},
        )

    def has_change_permission(self, request, obj=None):
        # Needed for the action; the form itself stays read-only (no editable fields).
        return is_staff_role(request) or super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
