"""Turn each assignment's stored deadline explanation into its deadline history.

The old text was written by responses.deadlines and responses.services, in Chinese or
(when the interface was in English) in English, segments joined by "；" or "; ". It is
read here once, as well as it can be: a segment this migration does not know is left
out, a segment after a staff change that is not a known sentence is taken as part of
that change's reason (a reason may contain "；"), and an assignment whose text states no
rule gets one "unknown rule" step with its current deadline, so no date is lost.

The audit events written with translated sentences lose them too: an assignment's
event kept its explanation as note, a calendar change its sentence, an approved
reassignment the words "同意调整" (their data already holds the dates); a merge, a
close with the merged target and a change in the admin keep their numbers as data.
"""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

D = r"(\d{4}-\d{2}-\d{2})"
SPLIT = re.compile(r"；|; ")
LOCAL = ZoneInfo(settings.TIME_ZONE)

RULE_PREFIXES = {
    "交办 ": "reply",
    "Assigned ": "reply",
    "重新办理：": "rehandling",
    "Re-handling: ": "rehandling",
    "会办意见：交办 ": "opinion",
    "Joint opinion: assigned ": "opinion",
    "延期上限：交办 ": "limit",
    "Extension limit: assigned ": "limit",
}
_prefixes = "|".join(re.escape(p) for p in sorted(RULE_PREFIXES, key=len, reverse=True))
RULE = re.compile(rf"^({_prefixes}){D} \+ (\d+) ?(?:个月| months?) = {D}$")
MOVED = re.compile(rf"^{D} (.*?) → (?:顺延至|postponed to) {D}$")
KEPT = re.compile(rf"^{D} (.*?)(?:，不顺延|, not postponed)$")
UNKNOWN_YEARS = re.compile(r"(?:年的法定节假日尚未收录|^The public holidays of .* are not known)")
EXTENDED = re.compile(
    rf"^(?:延期至 {D}（(.+) 于 {D} 批准）|Extended to {D} \(approved by (.+) on {D}\))$"
)
CAPPED = re.compile(
    rf"^(?:申请延至 {D}，超过延期上限（交办 {D} \+ (\d+)个月），按上限 {D}（(.+) 于 {D} 批准）"
    rf"|Extension to {D} requested, beyond the limit \(assigned {D} \+ (\d+) months\), "
    rf"so set to the limit {D} \(approved by (.+) on {D}\))$"
)
STAFF_SET = re.compile(rf"^(?:工作人员改为 {D}，理由：|changed by staff to {D}, reason: )(.*)$", re.S)
CHANGED = re.compile(
    rf"^(?:(.+) 于 {D} 调整为 {D}，理由：|changed by (.+) on {D} to {D}, reason: )(.*)$", re.S
)
REHANDLING_SET = re.compile(rf"^(?:重新办理：工作人员指定 |Re-handling: set by staff to ){D}$")
CALENDAR = re.compile(rf"^(?:日历调整|Calendar change) ?[（(](.+) {D}[）)][：:] ?{D} → {D}$")

HOLIDAYS = {
    "元旦": "new_years_day",
    "春节": "spring_festival",
    "清明": "tomb_sweeping_day",
    "劳动节": "labour_day",
    "端午": "dragon_boat_festival",
    "国庆节": "national_day",
    "中秋": "mid_autumn_festival",
    "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": "anti_fascist_70th_day",
}
PLAIN_LABELS = {"周一", "周二", "周三", "周四", "周五", "周六", "周日", "休息日", "Rest day"}


def _date(text):
    return date.fromisoformat(text)


def _noon(text):
    return datetime.combine(_date(text), time(12), tzinfo=LOCAL)


def _day_data(label):
    """The calendar data a shift's label gave: (staff's name, holiday code)."""
    label = re.sub(r"^周.（(.*)）$", r"\1", label)  # "周日（调休上班）" → its name
    if label in HOLIDAYS:
        return "", HOLIDAYS[label]
    if label in PLAIN_LABELS or label in {"调休上班", "Make-up working day"}:
        return "", ""
    return label[:32], ""


def _first(*values):
    return next((v for v in values if v), None)


class Reader:
    def __init__(self, users):
        self.users = users

    def who(self, name):
        return self.users.get((name or "").strip())

    def steps(self, assignment):
        assigned_at = assignment.assigned_at
        steps, last_manual = [], None
        for segment in SPLIT.split(assignment.deadline_explanation or ""):
            segment = segment.strip()
            if not segment:
                continue
            step = self.step(segment, assigned_at)
            if step is None:
                if last_manual is not None:
                    last_manual["reason"] += "；" + segment
                continue
            if step["kind"] == "unknown_years":
                if steps and steps[-1]["kind"] == "shift":
                    steps[-1]["calendar_known"] = False
                elif steps:
                    day = steps[-1]["date"]
                    steps.append({"kind": "shift", "day": day, "date": day, "calendar_known": False})
                continue
            last_manual = step if step["kind"] == "manual" and step.get("reason") else None
            steps.append(step)
        return steps

    def step(self, segment, assigned_at):
        if m := RULE.match(segment):
            prefix, start, months, nominal = m.groups()
            return {
                "kind": "rule",
                "rule": RULE_PREFIXES[prefix],
                "start": _date(start),
                "months": int(months),
                "date": _date(nominal),
            }
        if m := MOVED.match(segment):
            day, label, due = m.groups()
            name, holiday = _day_data(label)
            return {
                "kind": "shift",
                "day": _date(day),
                "date": _date(due),
                "day_name": name,
                "holiday": holiday,
            }
        if m := KEPT.match(segment):
            day, label = m.groups()
            name, _holiday = _day_data(label)
            return {"kind": "shift", "day": _date(day), "date": _date(day), "day_name": name}
        if UNKNOWN_YEARS.search(segment):
            return {"kind": "unknown_years"}
        if m := CAPPED.match(segment):
            g = m.groups()
            requested, start, months, limit, who, when = [
                _first(g[i], g[i + 6]) for i in range(6)
            ]
            return {
                "kind": "extension",
                "requested": _date(requested),
                "start": _date(start),
                "months": int(months),
                "date": _date(limit),
                "by_id": self.who(who),
                "at": _noon(when),
            }
        if m := EXTENDED.match(segment):
            g = m.groups()
            granted, who, when = _first(g[0], g[3]), _first(g[1], g[4]), _first(g[2], g[5])
            return {
                "kind": "extension",
                "requested": _date(granted),
                "date": _date(granted),
                "by_id": self.who(who),
                "at": _noon(when),
            }
        if m := STAFF_SET.match(segment):
            g = m.groups()
            return {
                "kind": "manual",
                "date": _date(_first(g[0], g[1])),
                "reason": g[2].strip(),
                "at": assigned_at,
            }
        if m := CHANGED.match(segment):
            g = m.groups()
            return {
                "kind": "manual",
                "by_id": self.who(_first(g[0], g[3])),
                "at": _noon(_first(g[1], g[4])),
                "date": _date(_first(g[2], g[5])),
                "reason": (g[6] or "").strip(),
            }
        if m := REHANDLING_SET.match(segment):
            return {"kind": "manual", "rule": "rehandling", "date": _date(m.group(1))}
        if m := CALENDAR.match(segment):
            who, when, old, new = m.groups()
            return {
                "kind": "calendar",
                "by_id": self.who(who),
                "at": _noon(when),
                "previous": _date(old),
                "date": _date(new),
            }
        return None


SETTING = {"rule", "extension", "manual"}


def _users(User):
    names = {}
    for pk, username, display, first, last in User.objects.values_list(
        "pk", "username", "display_name", "first_name", "last_name"
    ):
        full = f"{first} {last}".strip()
        for name in (username, full, display):
            if name:
                names[name] = pk
    return names


def forwards(apps, schema_editor):
    Assignment = apps.get_model("responses", "Assignment")
    DeadlineChange = apps.get_model("responses", "DeadlineChange")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    reader = Reader(_users(User))
    batch = []
    rows = Assignment.objects.only("pk", "assigned_at", "deadline", "deadline_explanation")
    for assignment in rows.iterator(chunk_size=1000):
        steps = reader.steps(assignment)
        previous = None
        for step in steps:
            if step["kind"] in {"extension", "manual"}:
                step.setdefault("previous", previous)
            if step["kind"] in SETTING or step["kind"] in {"shift", "calendar"}:
                previous = step["date"]
        if not any(step["kind"] in SETTING for step in steps) or previous != assignment.deadline:
            # No rule could be read, or the text does not end on the deadline in force:
            # keep the date, say its rule is not known.
            steps.append({"kind": "rule", "rule": "unknown", "date": assignment.deadline})
        for step in steps:
            step.setdefault("at", assignment.assigned_at)
            batch.append(DeadlineChange(assignment_id=assignment.pk, **step))
        if len(batch) >= 5000:
            DeadlineChange.objects.bulk_create(batch)
            batch = []
    DeadlineChange.objects.bulk_create(batch)

    Event = apps.get_model("proposals", "Event")
    Event.objects.filter(action="assign").exclude(note="").update(note="")
    Event.objects.filter(
        action="decide_reassignment", note__in=["同意调整", "Reassignment approved"]
    ).update(note="")
    for event in Event.objects.filter(action="change_deadline").filter(
        note__regex=r"^(日历调整|Calendar change)"
    ):
        event.data = {**(event.data or {}), "cause": "calendar"}
        event.note = ""
        event.save(update_fields=["data", "note"])
    # The proposals' services wrote their own words too: the merge target, the proposal a
    # merged one was closed with, a change made in the admin. Now data (into, closed_with,
    # via), said when shown.
    said = [
        ("merge", re.compile(r"^(?:并入第(\d+)号提案办理|Handled together with proposal No\. (\d+))$"), "into"),
        ("close", re.compile(r"^(?:随第(\d+)号提案办结|Closed together with proposal No\. (\d+))$"), "closed_with"),
    ]
    for action, pattern, key in said:
        for event in Event.objects.filter(action=action).exclude(note=""):
            if m := pattern.match(event.note):
                event.data = {**(event.data or {}), key: int(_first(*m.groups()))}
                event.note = ""
                event.save(update_fields=["data", "note"])
    Proposal = apps.get_model("proposals", "Proposal")
    for proposal in Proposal.objects.filter(status="merged").exclude(review_note=""):
        if said[0][1].match(proposal.review_note):
            Proposal.objects.filter(pk=proposal.pk).update(review_note="")
    for event in Event.objects.filter(
        action__in=["update", "create"], note__in=["通过数据管理修改", "Changed in data management"]
    ):
        event.data = {**(event.data or {}), "via": "admin"}
        event.note = ""
        event.save(update_fields=["data", "note"])


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0010_deadline_changes"),
        ("proposals", "0011_clock_defaults"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
