"""Bulk import of past proposals from a spreadsheet, all or nothing per file.

Rules:
- Each row is keyed by (届次, 编号). A key already in the database is compared with the
  row: equal -> 未变化; different -> corrected through update_proposal while the
  proposal may still be edited, otherwise left alone with a note. So importing the same
  file twice creates nothing the second time.
- Every row goes through the same services as the staff form (create_proposal …), so it
  meets the same rules and leaves the same audit events.
- The whole file runs in one transaction. A dry run, or any row with an error, rolls it
  all back: the dry run reports exactly what the import would do, and a bad row 12 leaves
  rows 2-11 unimported.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from accounts.policies import may_act_as_staff
from committees import scope
from proposals import transitions
from proposals.models import Action, Category, Proposal, ProposalKind, Session, Sponsor, SponsorKind
from proposals.services import (
    create_proposal,
    set_key_proposal,
    update_proposal,
)
from proposals.workflow import state_label
from staff.importing.reader import HEADINGS, SourceRow, TableError, read_table
from staff.selectors import proposal_kind_from_label, sponsor_kind_from_label

# Marked with gettext_noop so makemessages finds them; translated where they are shown.
ACTION_LABELS = {"created": N_("新增"), "updated": N_("更新"), "unchanged": N_("未变化")}
# What a row will do (a preview, or a file refused as a whole) and what it did.
PLANNED_LABELS = {"created": N_("将新增"), "updated": N_("将更新"), "unchanged": N_("无变化")}
DONE_LABELS = {"created": N_("已新增"), "updated": N_("已更新"), "unchanged": N_("未变化")}
_NAME_SEPARATORS = re.compile(r"[\r\n、，,；;]+")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_NUMBER = re.compile(r"^\D{0,3}?(\d{1,9})\D{0,3}$")
_YES = {"是", "y", "yes", "true", "1", "重点", "√"}
_NO = {"否", "n", "no", "false", "0", ""}


@dataclass
class RowReport:
    row: int
    session: str = ""
    number: int | None = None
    title: str = ""
    lead: str = ""
    action: str = ""
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def action_label(self, *, applied: bool) -> str:
        if not self.action:
            return _("错误")
        return _((DONE_LABELS if applied else PLANNED_LABELS)[self.action])


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[RowReport] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(r.errors for r in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)

    @property
    def error_rows(self) -> list[RowReport]:
        return [r for r in self.rows if r.errors]

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        rows = [RowReport(**row) for row in data.get("rows", [])]
        return cls(
            dry_run=data.get("dry_run", True),
            rows=rows,
            file_errors=data.get("file_errors", []),
            notes=data.get("notes", []),
        )


class _Rollback(Exception):
    pass


def run_import(
    content: bytes,
    filename: str,
    *,
    by,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a file (or, with dry_run, only find out what importing it would do)."""
    may_act_as_staff(by).enforce()
    report = ImportReport(dry_run=dry_run)
    try:
        rows, report.notes = read_table(content, filename)
    except TableError as exc:
        report.file_errors.append(str(exc))
        return report
    if on_rows:
        on_rows(len(rows))
    try:
        with transaction.atomic():
            _import_rows(rows, report, by=by, progress=progress)
            if dry_run or report.has_errors:
                raise _Rollback
    except _Rollback:
        pass
    return report


# --- Looking things up once per file ---------------------------------------------------
class _Lookups:
    """Sessions, categories and sponsors of the importing user's committee."""

    def __init__(self, rows: list[SourceRow], committee):
        self.committee = committee
        self.sessions = {s.name: s for s in Session.objects.filter(committee=committee)}
        self.categories = {c.name: c for c in Category.objects.filter(committee=committee)}
        names = set()
        for row in rows:
            names.update(_names(row.values.get("lead")))
            names.update(_names(row.values.get("co")))
        self.sponsors = defaultdict(list)
        for sponsor in Sponsor.objects.filter(committee=committee, name__in=names):
            self.sponsors[sponsor.name].append(sponsor)
        numbers = set()
        for row in rows:
            found = _NUMBER.match(_text(row.values.get("number")))
            if found:
                numbers.add(int(found.group(1)))
        self.existing = {
            (p.session_id, p.number): p
            for p in Proposal.objects.filter(committee=committee, number__in=numbers)
            .select_related("category", "supervisor")
            .prefetch_related("sponsorships__sponsor")
        }


@dataclass
class _SponsorRef:
    name: str
    kind: str
    sponsor: Sponsor | None


@dataclass
class _Parsed:
    session: Session
    number: int
    title: str
    body: str
    lead: _SponsorRef
    co: list[_SponsorRef]
    kind: str | None
    category: Category | None
    submitted_at: datetime | None
    is_key: bool | None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _names(value) -> list[str]:
    return [n.strip() for n in _NAME_SEPARATORS.split(_text(value)) if n.strip()]


# --- One row ---------------------------------------------------------------------------
def _import_rows(rows, report: ImportReport, *, by, progress) -> None:
    lookups = _Lookups(rows, scope.of_user(by))
    seen: dict[tuple[int, int], int] = {}
    for source in rows:
        row = RowReport(row=source.number)
        report.rows.append(row)
        parsed = _parse(source, lookups, row)
        if parsed is not None:
            key = (parsed.session.pk, parsed.number)
            if key in seen:
                row.errors.append(
                    _("届次和编号与第%(row)s行相同（同一文件中一个编号只能出现一次）。")
                    % {"row": seen[key]}
                )
            else:
                seen[key] = source.number
        if parsed is not None and not row.errors:
            try:
                with transaction.atomic():
                    _apply(parsed, lookups, row, by=by)
            except ValidationError as exc:  # TransitionError included
                row.action = ""
                row.errors.extend(exc.messages)
        if row.errors:
            row.errors = [
                _("第%(row)s行：%(error)s") % {"row": row.row, "error": e} for e in row.errors
            ]
        if progress:
            progress(1)


def _parse(source: SourceRow, lookups: _Lookups, row: RowReport) -> _Parsed | None:
    values = source.values
    errors = row.errors

    def required(column: str) -> str:
        value = _text(values.get(column))
        if not value:
            errors.append(_("缺少“%(column)s”。") % {"column": HEADINGS[column]})
        return value

    session_name, number_text = required("session"), required("number")
    title, body, lead_text = required("title"), required("body"), required("lead")
    row.session, row.title, row.lead = session_name, title[:300], lead_text

    session = lookups.sessions.get(session_name) if session_name else None
    if session_name and session is None:
        errors.append(
            _("届次“%(name)s”不存在，请先在数据管理中添加，或改用已有的届次名称。")
            % {"name": session_name}
        )
    number = None
    if number_text:
        found = _NUMBER.match(number_text)
        number = int(found.group(1)) if found else None
        if not number:
            errors.append(_("编号“%(value)s”不是正整数。") % {"value": number_text})
        row.number = number
    if len(title) > 300:
        errors.append(_("标题超过300字。"))

    kind = None
    kind_text = _text(values.get("kind"))
    if kind_text:
        kind = proposal_kind_from_label(kind_text)
        if kind is None:
            errors.append(_("类型“%(value)s”应为“提案”或“建议”。") % {"value": kind_text})

    category = None
    category_text = _text(values.get("category"))
    if category_text:
        category = lookups.categories.get(category_text)
        if category is None:
            errors.append(
                _("类别“%(value)s”不存在（可用：%(names)s）。")
                % {"value": category_text, "names": "、".join(lookups.categories)}
            )

    lead_kind = SponsorKind.MEMBER
    lead_kind_text = _text(values.get("lead_kind"))
    if lead_kind_text:
        lead_kind = sponsor_kind_from_label(lead_kind_text)
        if lead_kind is None:
            errors.append(
                _("提案人类型“%(value)s”应为：%(names)s。")
                % {"value": lead_kind_text, "names": "、".join(str(k.label) for k in SponsorKind)}
            )
    lead_names = _names(lead_text)
    lead = (
        _sponsor_ref(lead_names[0], lead_kind, bool(lead_kind_text), lookups, errors)
        if (lead_names)
        else None
    )
    co = [
        _sponsor_ref(name, SponsorKind.MEMBER, False, lookups, errors)
        for name in [*lead_names[1:], *_names(values.get("co"))]
    ]
    submitted_at = _parse_date(values.get("submitted_at"), errors)
    is_key = _parse_flag(values.get("is_key"), errors)
    if errors or session is None or number is None or lead is None:
        return None
    return _Parsed(
        session=session,
        number=number,
        title=title,
        body=body,
        lead=lead,
        co=[ref for ref in co if ref is not None and ref.name != lead.name],
        kind=kind,
        category=category,
        submitted_at=submitted_at,
        is_key=is_key,
    )


def _sponsor_ref(name, kind, kind_given, lookups, errors) -> _SponsorRef | None:
    candidates = lookups.sponsors.get(name, [])
    if kind_given:
        candidates = [s for s in candidates if s.kind == kind]
    if len(candidates) > 1:
        errors.append(
            _("有多个名为“%(name)s”的提案人，请在“提案人类型”列写明类型。") % {"name": name}
        )
        return None
    if candidates:
        return _SponsorRef(name=name, kind=candidates[0].kind, sponsor=candidates[0])
    return _SponsorRef(name=name, kind=kind, sponsor=None)


def _parse_date(value, errors) -> datetime | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime(value.year, value.month, value.day, 9, 0))
    found = _DATE.match(_text(value))
    if found:
        try:
            day = date(*(int(part) for part in found.groups()))
        except ValueError:
            day = None
        if day:
            return timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0))
    errors.append(
        _("提交日期“%(value)s”无法识别，请写成 2025-01-20 的形式。") % {"value": _text(value)}
    )
    return None


def _parse_flag(value, errors) -> bool | None:
    text = _text(value).lower()
    if value is None or text == "":
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    errors.append(_("重点提案“%(value)s”应为“是”或“否”。") % {"value": _text(value)})
    return None


# --- Applying a row through the services -----------------------------------------------
def _materialize(ref: _SponsorRef, lookups: _Lookups, row: RowReport) -> Sponsor:
    if ref.sponsor is not None:
        return ref.sponsor
    sponsor, created = Sponsor.objects.get_or_create(
        committee=lookups.committee, name=ref.name, kind=ref.kind
    )
    if created:
        row.notes.append(
            _("新建提案人“%(name)s”（%(kind)s）。")
            % {"name": ref.name, "kind": state_label(SponsorKind, ref.kind)}
        )
    return sponsor


def _apply(parsed: _Parsed, lookups: _Lookups, row: RowReport, *, by) -> None:
    lead = _materialize(parsed.lead, lookups, row)
    co = [_materialize(ref, lookups, row) for ref in parsed.co]
    existing = lookups.existing.get((parsed.session.pk, parsed.number))
    if existing is None:
        create_proposal(
            session=parsed.session,
            number=parsed.number,
            kind=parsed.kind or ProposalKind.PROPOSAL,
            title=parsed.title,
            body=parsed.body,
            lead_sponsor=lead,
            co_sponsors=co,
            category=parsed.category,
            submitted_at=parsed.submitted_at,
            is_key=bool(parsed.is_key),
            by=by,
        )
        row.action = "created"
        return
    _update(existing, parsed, lead, co, row, by=by)


_FIELD_NAMES = {
    "title": N_("标题"),
    "body": N_("内容"),
    "category": N_("类别"),
    "kind": N_("类型"),
    "submitted_at": N_("提交日期"),
    "sponsors": N_("提案人"),
    "is_key": N_("重点提案"),
}


def _update(proposal: Proposal, parsed: _Parsed, lead, co, row: RowReport, *, by) -> None:
    changes = {}
    if proposal.title != parsed.title:
        changes["title"] = parsed.title
    if proposal.body.strip() != parsed.body.strip():
        changes["body"] = parsed.body
    if parsed.category is not None and proposal.category_id != parsed.category.pk:
        changes["category"] = parsed.category
    if parsed.kind and proposal.kind != parsed.kind:
        changes["kind"] = parsed.kind
    if parsed.submitted_at and (
        proposal.submitted_at is None
        or timezone.localdate(proposal.submitted_at) != timezone.localdate(parsed.submitted_at)
    ):
        changes["submitted_at"] = parsed.submitted_at
    sponsors_differ = proposal.lead_sponsor != lead or set(proposal.co_sponsors) != set(co)
    key_differs = parsed.is_key is not None and proposal.is_key != parsed.is_key
    names = [_FIELD_NAMES[n] for n in changes] + (
        [_FIELD_NAMES["sponsors"]] if sponsors_differ else []
    )
    if key_differs:
        names.append(_FIELD_NAMES["is_key"])
    if not names:
        row.action = "unchanged"
        return
    if not transitions.allows(Action.UPDATE, proposal.status):
        row.action = "unchanged"
        row.notes.append(
            _("第%(number)s号提案状态为“%(state)s”，文件中不同的%(fields)s未修改。")
            % {
                "number": proposal.number,
                "state": proposal.get_status_display(),
                "fields": "、".join(_(n) for n in names),
            }
        )
        return
    if changes or sponsors_differ:
        sponsor_args = {"lead_sponsor": lead, "co_sponsors": co} if sponsors_differ else {}
        update_proposal(proposal, by=by, **sponsor_args, **changes)
    if key_differs:
        set_key_proposal(proposal, is_key=parsed.is_key, supervisor=proposal.supervisor, by=by)
    row.action = "updated"
    row.notes.append(_("更新了：%(fields)s。") % {"fields": "、".join(_(n) for n in names)})
