"""催办: staff urge an agency at once, outside the schedule.

The whole design: responses/reminders/__init__.py."""

from __future__ import annotations

from functools import partial

from django.db import IntegrityError, transaction

from common import clock
from responses import oversight
from responses.models import (
    Assignment,
    Delivery,
    DeliveryKind,
    Notification,
    Reminder,
    ReminderKind,
    ReminderTarget,
)
from responses.reminders.common import _
from responses.reminders.schedule import Context, target_of
from responses.reminders.sweeper import _officers


@transaction.atomic
def send_urgent_reminder(assignment: Assignment, *, by, note: str = "") -> Reminder:
    """催办: staff chase one assignment now — an in-app notice and an immediate e-mail to
    the agency's officers (and a key proposal's supervisor). Once per assignment a day:
    a second click the same day is refused, not sent twice."""
    from accounts.policies import may_act_as_staff
    from proposals.models import Action
    from proposals.workflow import TransitionError, lock, record_event
    from responses.tasks import send_delivery_task

    may_act_as_staff(by, assignment.proposal.committee_id).enforce()
    current = lock(assignment)
    oversight.may_remind(by, current).enforce()
    ctx = Context.of(current)
    officers = _officers([current.agency_id]).get(current.agency_id, [])
    proposal = current.proposal
    if not officers:
        raise TransitionError(
            _("%(agency)s尚无联络员账号，无法在系统内催办，请先为其添加联络员。"),
            params={"agency": current.agency.name},
        )
    people = dict(officers)
    supervisor = proposal.supervisor if proposal.is_key else None
    if ctx.settings.notify_supervisor and supervisor is not None and supervisor.is_active:
        people.setdefault(supervisor.pk, supervisor.email)
    today = clock.today()
    deadline, target = target_of(current, ctx) or (current.deadline, ReminderTarget.REPLY)
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                assignment=current,
                kind=ReminderKind.URGENT,
                due_on=today,
                target=target,
                deadline=deadline,
                days_left=(deadline - today).days,
                note=(note or "").strip(),
                sent_by=by,
                notified_at=clock.now(),
            )
    except IntegrityError:
        raise TransitionError(_("今天已经催办过该单位，请勿重复催办。")) from None
    queued = []
    for pk, email in sorted(people.items()):
        delivery = None
        if email:
            delivery = Delivery.objects.create(
                kind=DeliveryKind.URGENT, recipient_id=pk, day=today, to_email=email
            )
            queued.append(delivery.pk)
        Notification.objects.create(
            user_id=pk,
            reminder=reminder,
            assignment=current,
            kind=ReminderKind.URGENT,
            email_wanted=False,
            delivery=delivery,
        )
    record_event(
        proposal,
        Action.REMIND,
        by=by,
        assignment=current,
        note=reminder.note,
        agency=current.agency.name,
        recipients=len(people),
    )
    for pk in queued:
        transaction.on_commit(partial(send_delivery_task.delay, pk))
    return reminder
