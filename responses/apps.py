from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("办理与答复")

    def ready(self):
        from proposals import signals
        from responses.models import Agency, Assignment, Reply, ReplyDocument
        from responses.sms import checks  # noqa: F401 - registers the SMS settings check

        for model in (Agency, Assignment, Reply, ReplyDocument):
            signals.watch(model, shown_on)


def shown_on(instance):
    """Which proposals show this row (proposals.signals.watch), and why."""
    from proposals.signals import Reason
    from responses.models import Agency, Assignment, Reply, ReplyDocument

    match instance:
        case Assignment():
            return [instance.proposal_id], Reason.ROW
        case Reply():
            ids = Assignment.objects.filter(pk=instance.assignment_id)
            return ids.values_list("proposal_id", flat=True), Reason.ROW
        case ReplyDocument():
            ids = Reply.objects.filter(pk=instance.reply_id)
            return ids.values_list("assignment__proposal_id", flat=True), Reason.ROW
        case Agency():
            ids = Assignment.objects.filter(agency=instance.pk)
            return ids.values_list("proposal_id", flat=True).distinct(), Reason.SHARED
    return None
