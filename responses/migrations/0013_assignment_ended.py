"""已结束: an assignment whose proposal was closed or merged while it was still open.

Besides the new state, the data: databases made before responses.handling have closed
and merged proposals whose joint/assisting (or other) assignments were left open for
ever, shown as pending and overdue and still reminded. Each of them ends now, with an
event like the one closing records today. Joint/assisting agencies whose opinion the lead
no longer waits for (staff waived it) carry the waiver on their own row, as
waive_joint_opinions now writes it, so they are neither reminded nor counted overdue.
"""

from django.db import migrations, models
from django.utils import timezone

OPEN_STATES = ["pending", "accepted", "reassignment_requested", "rehandling"]
NOTES = {
    "closed": "提案已办结，该交办随之结束。",
    "merged": "提案已并案办理，该交办随之结束。",
}
ACTIONS = {"closed": "close", "merged": "merge"}


def end_open_assignments(apps, schema_editor):
    Assignment = apps.get_model("responses", "Assignment")
    Event = apps.get_model("proposals", "Event")
    now = timezone.now()
    stale = list(
        Assignment.objects.filter(
            proposal__status__in=list(NOTES), state__in=OPEN_STATES
        ).select_related("proposal", "agency")
    )
    events = []
    for assignment in stale:
        status = assignment.proposal.status
        events.append(
            Event(
                proposal_id=assignment.proposal_id,
                assignment_id=assignment.pk,
                action=ACTIONS[status],
                from_state=assignment.state,
                to_state="ended",
                note=NOTES[status],
                data={"agency": assignment.agency.name},
                created_at=now,
            )
        )
        assignment.state = "ended"
        assignment.completed_at = assignment.proposal.closed_at or now
        assignment.next_reminder_at = None
    Assignment.objects.bulk_update(stale, ["state", "completed_at", "next_reminder_at"])
    Event.objects.bulk_create(events)


def carry_waivers_to_helpers(apps, schema_editor):
    Assignment = apps.get_model("responses", "Assignment")
    waived = Assignment.objects.filter(role="lead", opinions_waived=True).exclude(
        state__in=["withdrawn", "ended"]
    )
    Assignment.objects.filter(
        role__in=["joint", "assisting"],
        state__in=OPEN_STATES,
        opinions_waived=False,
        proposal__in=waived.values("proposal"),
    ).update(opinions_waived=True, next_reminder_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ('proposals', '0011_clock_defaults'),
        ('responses', '0012_remove_assignment_deadline_explanation'),
    ]

    operations = [
        migrations.AlterField(
            model_name='assignment',
            name='state',
            field=models.CharField(choices=[('pending', '待签收'), ('accepted', '办理中'), ('reassignment_requested', '申请调整中'), ('withdrawn', '已调整撤回'), ('opinion_filed', '已提交会办意见'), ('replied', '已答复'), ('rehandling', '重新办理'), ('ended', '已结束')], db_index=True, default='pending', max_length=32, verbose_name='状态'),
        ),
        migrations.RunPython(end_open_assignments, migrations.RunPython.noop),
        migrations.RunPython(carry_waivers_to_helpers, migrations.RunPython.noop),
    ]
