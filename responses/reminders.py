"""Deadline reminders: the schedule, the sweep, the digests and 催办.

The schedule (CommitteeRules + ReminderSettings, editable in the admin): 30, 7 and 1 days
before a deadline, on the day, then every 7 days after it. A point that falls on a rest
day goes out on the working day before it (before the deadline) or after it (overdue),
so nobody is reminded on a holiday and no reminder comes too late. Reply deadlines are
reminded to sole/lead/separate agencies, opinion deadlines to joint/assisting ones.

Deadlines as data (healthchecks' way): each open assignment stores its next point in the
indexed `next_reminder_at`; `schedule_next_reminder` keeps it right after every change.
The sweep selects only rows whose time has come, claims them with one conditional
UPDATE per batch, records one `Reminder` per (assignment, kind, day) — a unique key, so
a second beat, a retry or a restart never records or sends one twice — makes in-app
`Notification`s for the agency's officers (staff too once overdue; a key proposal's
supervisor too), and queues one digest e-mail (`Delivery`) per recipient per day.
A record that crashes the sweep keeps its claim for an hour (then comes back) and is
reported; the rest of its batch goes on.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache, partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Concat
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Role as UserRole
from accounts.models import User
from proposals.models import ProposalKind
from responses import timeliness
from responses.calendar import WorkingCalendar
from responses.deadlines import HISTORY
from responses.models import (
    OPEN_STATES,
    OPINION_ROLES,
    AgencyMembership,
    Assignment,
    AssignmentState,
    CommitteeRules,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Notification,
    Reminder,
    ReminderKind,
    ReminderSettings,
    ReminderTarget,
    Role,
)

log = logging.getLogger(__name__)


# A sweep renders thousands of texts from a few fixed strings: translate each string once
# per language, not once per use (gettext and choice labels cost ~0.1 ms a call).
@lru_cache(maxsize=256)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


def _(message: str) -> str:
    return _translated(translation.get_language(), message)


@lru_cache(maxsize=256)
def _choice_label(language: str | None, choices, value: str) -> str:
    return str(choices(value).label)


def label(choices, value: str) -> str:
    return _choice_label(translation.get_language(), choices, value)


BATCH_SIZE = 500
# A claimed row whose processing crashed comes back after this (healthchecks pushes a
# failing check's alert_after one hour).
CLAIM_LEASE = timedelta(hours=1)
# A send whose worker died mid-way (acks_late redelivers it) may be retried after this.
STALE_SEND = timedelta(minutes=15)
MAX_BACKOFF_SECONDS = 3600


# --- The schedule ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    on: date  # the local day it goes out
    kind: str  # ReminderKind
    deadline: date


@dataclass
class Context:
    """What the schedule needs, loaded once (three small queries) per sweep or call."""

    rules: CommitteeRules
    settings: ReminderSettings
    calendar: WorkingCalendar
    supervisors: dict[int, str] = field(default_factory=dict, repr=False)
    _staff: list | None = field(default=None, repr=False)

    @classmethod
    def load(cls) -> Context:
        return cls(CommitteeRules.current(), ReminderSettings.current(), WorkingCalendar.load())

    def at(self, day: date) -> datetime:
        """The moment a point of that day is due: the day at the send time, Beijing time."""
        naive = datetime.combine(day, self.settings.send_time)
        return timezone.make_aware(naive, timezone.get_default_timezone())

    @cached_property
    def days_before(self) -> tuple[list[int], bool]:
        """The configured days before the deadline (largest first), and whether to
        remind on the day itself ("0"). Malformed entries are ignored and logged."""
        days = set()
        for token in self.rules.reminder_days_before.replace("，", ",").split(","):
            token = token.strip()
            if not token:
                continue
            try:
                days.add(int(token))
            except ValueError:
                log.warning("reminder_days_before: ignoring %r", token)
        return sorted((d for d in days if d > 0), reverse=True), 0 in days

    def staff(self) -> list[tuple[int, str]]:
        if self._staff is None:
            self._staff = list(
                User.objects.filter(role=UserRole.STAFF, is_active=True).values_list("pk", "email")
            )
        return self._staff


def target_of(assignment: Assignment, ctx: Context) -> tuple[date, str] | None:
    """The due date an assignment is reminded of, or None when it owes nothing (withdrawn,
    ended with its proposal, finished, its opinion waived: responses.timeliness)."""
    if not timeliness.owes(assignment):
        return None
    if assignment.role in OPINION_ROLES:
        if not ctx.settings.remind_joint_opinions:
            return None
        return timeliness.due_date(assignment), ReminderTarget.OPINION
    return timeliness.due_date(assignment), ReminderTarget.REPLY


def points(assignment: Assignment, ctx: Context) -> Iterator[Point]:
    """The assignment's reminder points in time order; overdue points never end."""
    target = target_of(assignment, ctx)
    if target is None:
        return
    deadline, _target = target
    calendar = ctx.calendar
    assigned_on = timezone.localdate(assignment.assigned_at)
    before, on_the_day = ctx.days_before
    # Before the deadline: a rest day sends on the working day before it, so two points
    # may land on the same day (7 and 1 days before the National Day week): sent once.
    early = sorted(
        {
            day
            for d in before
            if assigned_on <= (day := calendar.previous_working_day(deadline - timedelta(d)))
            and day < deadline
        }
    )
    for day in early:
        yield Point(day, ReminderKind.BEFORE, deadline)
    if on_the_day:
        yield Point(deadline, ReminderKind.DUE, deadline)
    every = ctx.rules.overdue_reminder_every_days
    last, k = deadline, 0
    while True:
        day = calendar.next_working_day(deadline + timedelta(days=1 + k * every))
        if day > last:
            yield Point(day, ReminderKind.OVERDUE, deadline)
            last = day
        if every == 0:
            return
        k += 1


def plan(
    assignment: Assignment, now: datetime, ctx: Context
) -> tuple[Point | None, datetime | None]:
    """The latest point due by `now` (what to send) and when the next one is due."""
    current = None
    for point in points(assignment, ctx):
        if ctx.at(point.on) > now:
            return current, ctx.at(point.on)
        current = point
    return current, None


def schedule_next_reminder(assignment: Assignment, *, now=None, ctx: Context | None = None):
    """Set the assignment's next_reminder_at from its current deadline and state.

    The services call this after every assignment, extension, reply or state change;
    a closed assignment gets None and drops out of the sweep's index."""
    _current, next_at = plan(assignment, now or timezone.now(), ctx or Context.load())
    Assignment.objects.filter(pk=assignment.pk).update(next_reminder_at=next_at)
    assignment.next_reminder_at = next_at
    return next_at


def reschedule_open_assignments(*, now=None, batch_size: int = 2000) -> int:
    """Recompute next_reminder_at for every open assignment, after the schedule itself
    changed (days before, send time, overdue interval). Returns how many were updated.

    The sweep fixes a stale value by itself once it comes due, but a point added before
    it (say "14 days before") would be missed without this."""
    now = now or timezone.now()
    ctx = Context.load()
    changed, last_pk = 0, 0
    while True:
        chunk = list(Assignment.objects.open().filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not chunk:
            return changed
        planned = []
        for assignment in chunk:
            _current, next_at = plan(assignment, now, ctx)
            if next_at != assignment.next_reminder_at:
                planned.append((assignment, None, next_at))
        if planned:
            _reschedule(planned)
            changed += len(planned)
        last_pk = chunk[-1].pk


# --- Texts ----------------------------------------------------------------------------------


def proposal_label(proposal) -> str:
    return _("第%(number)s号%(kind)s") % {
        "number": proposal.number,
        "kind": label(ProposalKind, proposal.kind),
    }


def notification_texts(reminder: Reminder, assignment: Assignment, today: date) -> tuple[str, str]:
    """Title and body of a reminder's notification, in the site's language (zh-hans)."""
    proposal = assignment.proposal
    what = _("会办意见") if reminder.target == ReminderTarget.OPINION else _("答复")
    days = (reminder.deadline - today).days
    values = {
        "proposal": proposal_label(proposal),
        "what": what,
        "deadline": f"{reminder.deadline:%Y-%m-%d}",
        "days": abs(days),
        "agency": assignment.agency.name,
    }
    if reminder.kind == ReminderKind.URGENT:
        title = _("催办：%(proposal)s请尽快%(what)s（期限 %(deadline)s）") % values
    elif days > 0:
        title = _("%(proposal)s%(what)s期限还有%(days)s天（%(deadline)s）") % values
    elif days == 0:
        title = _("%(proposal)s%(what)s今天到期（%(deadline)s）") % values
    else:
        title = _("%(proposal)s%(what)s已逾期%(days)s天（期限 %(deadline)s）") % values
    lines = [
        _("提案：%(label)s《%(title)s》") % {"label": values["proposal"], "title": proposal.title},
        _("承办单位：%(agency)s（%(role)s）")
        % {"agency": values["agency"], "role": label(Role, assignment.role)},
        _("%(what)s期限：%(deadline)s") % values,
    ]
    if reminder.target == ReminderTarget.REPLY and assignment.deadline_explanation:
        lines.append(_("期限说明：%(text)s") % {"text": assignment.deadline_explanation})
    if reminder.note:
        lines.append(_("催办说明：%(note)s") % {"note": reminder.note})
    return title[:200], "\n".join(lines)


# --- The sweep ------------------------------------------------------------------------------


@dataclass
class Sent:
    """One reminder the sweep recorded (or, in a dry run, would record)."""

    assignment: Assignment
    point: Point
    recipients: list[int]
    escalated: bool


@dataclass
class SweepResult:
    now: datetime
    dry_run: bool = False
    sent: list[Sent] = field(default_factory=list)
    notifications: int = 0
    rescheduled: int = 0
    digests: list[int] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)

    def merge(self, other: SweepResult) -> None:
        self.sent += other.sent
        self.notifications += other.notifications
        self.rescheduled += other.rescheduled
        self.failures += other.failures


def _due(now: datetime):
    return Assignment.objects.filter(next_reminder_at__lte=now)


def _claim(ids: list[int], now: datetime) -> list[int]:
    """Claim rows with one conditional UPDATE: only those still due are taken, so of two
    sweeps running at once each row goes to exactly one. The claim pushes the row an hour
    ahead: if we crash before rescheduling it, it comes back then."""
    table = connection.ops.quote_name(Assignment._meta.db_table)
    column = connection.ops.quote_name("next_reminder_at")
    pk = connection.ops.quote_name("id")
    marks = ", ".join(["%s"] * len(ids))
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s "  # noqa: S608 - names quoted, values bound
            f"WHERE {pk} IN ({marks}) AND {column} <= %s RETURNING {pk}",
            [adapt(now + CLAIM_LEASE), *ids, adapt(now)],
        )
        return [row[0] for row in cursor.fetchall()]


def _claim_plain(ids: list[int], now: datetime) -> list[int]:
    """What _claim does, in plain ORM (its reference in tests; not safe against a
    concurrent sweep, which the conditional UPDATE is)."""
    due = Assignment.objects.filter(pk__in=ids, next_reminder_at__lte=now)
    claimed = sorted(due.values_list("pk", flat=True))
    Assignment.objects.filter(pk__in=claimed).update(next_reminder_at=now + CLAIM_LEASE)
    return claimed


def _load(ids) -> list[Assignment]:
    return list(
        Assignment.objects.filter(pk__in=ids)
        .select_related("proposal", "agency")
        .prefetch_related(HISTORY)  # the deadline's explanation in the notification
        .defer("proposal__body")  # long, and not needed to remind
        .order_by("pk")
    )


def _reschedule(planned) -> None:
    """Store each row's next point: one UPDATE for the whole batch."""
    if connection.vendor == "postgresql":
        # bulk_update's CASE WHEN costs ~1 ms a row to build; unnest pairs cost nothing.
        table = connection.ops.quote_name(Assignment._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS a SET next_reminder_at = v.at "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE a.id = v.id",
                [[a.pk for a, _p, _n in planned], [n for _a, _p, n in planned]],
            )
        return
    _reschedule_plain(planned)


def _reschedule_plain(planned) -> None:
    """What _reschedule does, with bulk_update (SQLite's way, and its reference in tests)."""
    for assignment, _point, next_at in planned:
        assignment.next_reminder_at = next_at
    Assignment.objects.bulk_update([a for a, _p, _n in planned], ["next_reminder_at"])


def _recipients(assignment, point, today, ctx, officers) -> tuple[list[tuple[int, str]], bool]:
    """The agency's officers; staff too once overdue (escalation); a key proposal's
    supervising leader too. As (user id, e-mail) pairs, and whether it escalated."""
    people = dict(officers.get(assignment.agency_id, ()))
    escalated = False
    overdue_days = (today - point.deadline).days
    if (
        point.kind == ReminderKind.OVERDUE
        and ctx.settings.escalate_to_staff
        and overdue_days >= ctx.settings.escalate_after_days
    ):
        people.update(dict(ctx.staff()))
        escalated = True
    proposal = assignment.proposal
    if (
        ctx.settings.notify_supervisor
        and proposal.is_key
        and proposal.supervisor_id in ctx.supervisors
    ):
        people.setdefault(proposal.supervisor_id, ctx.supervisors[proposal.supervisor_id])
    return sorted(people.items()), escalated


def _officers(agency_ids) -> dict[int, list[tuple[int, str]]]:
    by_agency = defaultdict(list)
    rows = AgencyMembership.objects.filter(
        agency_id__in=agency_ids, user__role=UserRole.OFFICER, user__is_active=True
    ).values_list("agency_id", "user_id", "user__email")
    for agency_id, pk, email in rows:
        by_agency[agency_id].append((pk, email))
    return by_agency


def _apply(assignments: list[Assignment], now: datetime, ctx: Context, result: SweepResult):
    """Record, notify and reschedule a claimed batch, in a constant number of queries."""
    today = timezone.localdate(now)
    planned = []
    for assignment in assignments:
        try:
            current, next_at = plan(assignment, now, ctx)
        except Exception as error:  # one bad record must not stop the others
            log.exception("reminder sweep: assignment %s failed, retried in 1 h", assignment.pk)
            result.failures.append((assignment.pk, repr(error)))
            continue
        planned.append((assignment, current, next_at))

    due = [(a, p) for a, p, _next in planned if p is not None]
    officers = _officers({a.agency_id for a, _p in due}) if due else {}
    supervisor_ids = {
        a.proposal.supervisor_id for a, _p in due if a.proposal.is_key and a.proposal.supervisor_id
    }
    ctx.supervisors = (
        dict(User.objects.filter(pk__in=supervisor_ids, is_active=True).values_list("pk", "email"))
        if supervisor_ids
        else {}
    )
    audience = {}
    rows = []
    for assignment, point in due:
        people, escalated = _recipients(assignment, point, today, ctx, officers)
        audience[(assignment.pk, point.kind, point.on)] = (assignment, point, people, escalated)
        target = target_of(assignment, ctx)[1]
        rows.append(
            Reminder(
                assignment=assignment,
                kind=point.kind,
                due_on=point.on,
                target=target,
                deadline=point.deadline,
                days_left=(point.deadline - today).days,
                escalated=escalated,
                created_at=now,
            )
        )

    if result.dry_run:
        for assignment, point, people, escalated in audience.values():
            result.sent.append(Sent(assignment, point, [pk for pk, _e in people], escalated))
        return

    if rows:
        # The unique key drops a reminder that already exists; only the rows inserted
        # here are still un-notified, and only they get notifications.
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        fresh = [
            r
            for r in Reminder.objects.filter(
                assignment_id__in=[a.pk for a, _p in due], notified_at__isnull=True
            ).exclude(kind=ReminderKind.URGENT)
            if (r.assignment_id, r.kind, r.due_on) in audience
        ]
        notes = []
        with translation.override(settings.LANGUAGE_CODE):
            for reminder in fresh:
                assignment, point, people, escalated = audience[
                    (reminder.assignment_id, reminder.kind, reminder.due_on)
                ]
                title, body = notification_texts(reminder, assignment, today)
                notes += [
                    Notification(
                        user_id=pk,
                        reminder=reminder,
                        assignment=assignment,
                        kind=reminder.kind,
                        title=title,
                        body=body,
                        created_at=now,
                        email_wanted=bool(email),
                    )
                    for pk, email in people
                ]
                result.sent.append(Sent(assignment, point, [pk for pk, _e in people], escalated))
        Notification.objects.bulk_create(notes, ignore_conflicts=True)
        Reminder.objects.filter(pk__in=[r.pk for r in fresh]).update(notified_at=now)
        result.notifications += len(notes)

    if planned:
        _reschedule(planned)
    result.rescheduled += len(planned)


def _process(ids: list[int], now: datetime, ctx: Context, result: SweepResult) -> None:
    assignments = _load(ids)
    # Each attempt reports into its own result, merged only once its transaction commits.
    attempts = [assignments]
    batch = SweepResult(now=now)
    try:
        with transaction.atomic():
            _apply(assignments, now, ctx, batch)
        result.merge(batch)
        return
    except Exception:
        log.exception("reminder sweep: batch failed, processing its rows one by one")
        attempts = [[assignment] for assignment in assignments]
    # Isolate the record that broke the batch: each row on its own. One that still fails
    # keeps its claim (back in an hour) and is reported.
    for rows in attempts:
        one = SweepResult(now=now)
        try:
            with transaction.atomic():
                _apply(rows, now, ctx, one)
        except Exception as error:
            log.exception("reminder sweep: assignment %s failed, retried in 1 h", rows[0].pk)
            result.failures.append((rows[0].pk, repr(error)))
            continue
        result.merge(one)


def sweep(now: datetime | None = None, *, dry_run: bool = False, batch_size: int = BATCH_SIZE):
    """Send what is due at `now` (default: the current time). See the module docstring.

    A dry run claims nothing and writes nothing: it reports what would be sent."""
    now = now or timezone.now()
    ctx = Context.load()
    result = SweepResult(now=now, dry_run=dry_run)
    if dry_run:
        last_pk = 0
        while True:
            ids = list(
                _due(now)
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            _apply(_load(ids), now, ctx, result)
            last_pk = ids[-1]
        return result
    while True:
        ids = list(
            _due(now).order_by("next_reminder_at", "pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        claimed = _claim(ids, now)
        if claimed:
            _process(claimed, now, ctx, result)
    result.digests = queue_digests(now, ctx)
    for pk, error in result.failures:
        log.error("reminder sweep: assignment %s pushed back one hour: %s", pk, error)
    return result


# --- Digests and sending ----------------------------------------------------------------------


def queue_digests(now: datetime, ctx: Context | None = None) -> list[int]:
    """After the day's send time, make sure each person with un-mailed notifications has
    today's digest, and queue every delivery that is ready to go (new ones, and retries
    whose wait is over — a safety net should a queued task have been lost).

    One digest per person per day (a unique key): what arrives after today's digest
    went out waits for tomorrow's; the in-app notification shows it at once."""
    from responses.tasks import send_delivery_task

    ctx = ctx or Context.load()
    local = timezone.localtime(now)
    if local.time() < ctx.settings.send_time:
        return []
    waiting = (
        Notification.objects.filter(delivery__isnull=True, email_wanted=True)
        .order_by()  # the model's ordering would otherwise enter the DISTINCT
        .values_list("user_id", flat=True)
        .distinct()
    )
    ready_at = timezone.now()
    Delivery.objects.bulk_create(
        [
            Delivery(
                kind=DeliveryKind.DIGEST,
                recipient_id=user_id,
                day=local.date(),
                next_attempt_at=ready_at,
            )
            for user_id in waiting
        ],
        ignore_conflicts=True,
    )
    ready = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)
    )
    for pk in ready:
        transaction.on_commit(partial(send_delivery_task.delay, pk))
    return ready


def backoff_seconds(attempts: int) -> int:
    """1, 2, 4, 8… minutes after each failed attempt, never more than an hour."""
    return min(60 * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


@dataclass(frozen=True)
class SendOutcome:
    status: str
    retry_in: int | None = None


def _claim_delivery(delivery_id: int, now: datetime) -> bool:
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        claimed = Delivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_SEND
        ).update(claimed_at=now, attempts=F("attempts") + 1)
    return claimed == 1


def send_delivery(delivery_id: int) -> SendOutcome:
    """Send one delivery once: claim it (a conditional UPDATE: a second task for the same
    row does nothing), gather its notifications, build and send the e-mail, and record
    the outcome. A transient failure (SMTP, network) is retried with backoff until the
    attempts run out; then, or on any other error, it is marked failed for staff."""
    from responses import emails

    now = timezone.now()
    if not _claim_delivery(delivery_id, now):
        return SendOutcome("skipped")
    delivery = Delivery.objects.select_related("recipient").get(pk=delivery_id)
    recipient = delivery.recipient
    if delivery.kind == DeliveryKind.DIGEST:
        Notification.objects.filter(
            user_id=recipient.pk, delivery__isnull=True, email_wanted=True, created_at__lte=now
        ).update(delivery=delivery)
    items = list(
        delivery.notifications.select_related(
            "assignment__proposal", "assignment__agency", "reminder"
        ).order_by("reminder__deadline", "created_at", "pk")
    )
    if not items or not recipient.email or not recipient.is_active:
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.EMPTY)
        return SendOutcome(DeliveryStatus.EMPTY)
    max_attempts = ReminderSettings.current().max_send_attempts
    try:
        message = emails.build_delivery(delivery, items)
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        permanent = isinstance(error, smtplib.SMTPRecipientsRefused)
        return _failed(
            delivery, error, now, retry=not permanent and delivery.attempts < max_attempts
        )
    except Exception as error:  # a bug or bad data: retrying would not help
        log.exception("delivery %s failed", delivery.pk)
        return _failed(delivery, error, now, retry=False)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        subject=message.subject[:200],
        to_email=recipient.email,
        last_error="",
    )
    return SendOutcome(DeliveryStatus.SENT)


def _failed(delivery: Delivery, error: Exception, now: datetime, *, retry: bool) -> SendOutcome:
    text = f"{type(error).__name__}: {error}"[:2000]
    line = f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S} #{delivery.attempts} {text}\n"
    wait = backoff_seconds(delivery.attempts) if retry else None
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED,
        next_attempt_at=now + timedelta(seconds=wait or 0),
        last_error=text,
        error_log=Concat(F("error_log"), Value(line)),
        to_email=delivery.recipient.email,
    )
    log.warning("delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, text)
    return SendOutcome(DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED, wait)


def resend(delivery: Delivery, *, by=None) -> None:
    """Staff send a failed delivery again: a fresh set of attempts, queued after commit."""
    from responses.tasks import send_delivery_task

    updated = Delivery.objects.filter(
        pk=delivery.pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING]
    ).update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now())
    if updated:
        transaction.on_commit(partial(send_delivery_task.delay, delivery.pk))


# --- 催办 -------------------------------------------------------------------------------------


@transaction.atomic
def send_urgent_reminder(assignment: Assignment, *, by, note: str = "") -> Reminder:
    """催办: staff chase one assignment now — an in-app notice and an immediate e-mail to
    the agency's officers (and a key proposal's supervisor). Once per assignment a day:
    a second click the same day is refused, not sent twice."""
    from accounts.policies import may_act_as_staff
    from proposals.models import Action
    from proposals.workflow import TransitionError, lock, record_event
    from responses.tasks import send_delivery_task

    may_act_as_staff(by).enforce()
    current = lock(assignment)
    if current.state in OPEN_STATES and not timeliness.owes(current):
        raise TransitionError(_("已免于等待该单位的会办意见，无需催办。"))
    if not timeliness.owes(current):
        raise TransitionError(_("该交办已办理完毕，无需催办。"))
    ctx = Context.load()
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
    today = timezone.localdate()
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
                notified_at=timezone.now(),
            )
    except IntegrityError:
        raise TransitionError(_("今天已经催办过该单位，请勿重复催办。")) from None
    with translation.override(settings.LANGUAGE_CODE):
        title, body = notification_texts(reminder, current, today)
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
            title=title,
            body=body,
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


# --- Notifications -----------------------------------------------------------------------------


def mark_read(user, notification_ids=None) -> int:
    """Mark the user's notifications read (all unread ones, or those ids)."""
    unread = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# --- Staff overview ----------------------------------------------------------------------------


def _rate(on_time: int, fallen_due: int) -> float | None:
    rate = timeliness.on_time_rate(on_time, fallen_due)
    return None if rate is None else round(100 * rate, 1)


def overview(today: date, *, limit: int = 100) -> dict:
    """期限总览 for staff, in a fixed number of queries: what is due this week, what is
    overdue, and per agency its open, due, overdue and finished work with its on-time
    rate — all as responses.timeliness defines them (joint and assisting agencies by
    their opinion deadline; the rate over everything that has fallen due)."""
    week_end = today + timedelta(days=6 - today.weekday())
    owing = (
        timeliness.with_due(Assignment.objects.filter(timeliness.owes_q()))
        .select_related("proposal", "agency")
        .prefetch_related(HISTORY)  # each deadline's explanation
    )
    this_week = timeliness.due_between_q(today, week_end)
    due_this_week = list(owing.filter(this_week).order_by("due", "pk")[:limit])
    overdue = list(owing.filter(timeliness.overdue_q(today)).order_by("due", "pk")[:limit])
    rows = list(
        Assignment.objects.exclude(state__in=[AssignmentState.WITHDRAWN, AssignmentState.ENDED])
        .values("agency_id", "agency__name")
        .annotate(
            open=Count("pk", filter=timeliness.owes_q()),
            due_this_week=Count("pk", filter=this_week),
            overdue=Count("pk", filter=timeliness.overdue_q(today)),
            finished=Count("pk", filter=timeliness.finished_q()),
            on_time=Count("pk", filter=timeliness.on_time_q()),
        )
        .order_by("agency__name")
    )
    for row in rows:
        row["on_time_rate"] = _rate(row["on_time"], row["finished"] + row["overdue"])
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("open", "due_this_week", "overdue", "finished", "on_time")
    }
    totals["on_time_rate"] = _rate(totals["on_time"], totals["finished"] + totals["overdue"])
    failed = list(
        Delivery.objects.filter(status=DeliveryStatus.FAILED)
        .select_related("recipient")
        .order_by("-created_at")[:50]
    )
    return {
        "week_end": week_end,
        "due_this_week": due_this_week,
        "overdue": overdue,
        "agencies": rows,
        "totals": totals,
        "failed_deliveries": failed,
        "limit": limit,
    }
