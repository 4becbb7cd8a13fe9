"""Statistics for one session: each a small table that the report page shows, charts
as inline SVG bars (no JavaScript) and exports to .xlsx.

Counting rules (said once, here):
- proposals: every proposal of the session except drafts;
- 立案: registered or any later handling state (交办、答复、评价、重新办理、办结);
- sponsor kind: the lead sponsor's kind;
- agencies: live assignments (not withdrawn by a reassignment), and those that ended with
  their closed or merged proposal;
- on time, late, overdue and the on-time rate: as responses.timeliness defines them for
  every page (a reply by its reply deadline as extended, an opinion by its opinion
  deadline; overdue: still owed after it; the rate: on time over finished + overdue);
- classification: each replying assignment's latest confirmed reply;
- satisfaction: every sponsor's answer on record.
"""

import io
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from common import clock
from common.spreadsheet import safe_cell
from proposals.models import Proposal, Session, SponsorKind, Sponsorship, Status
from responses import timeliness as timely
from responses.models import (
    OPINION_ROLES,
    REPLYING_ROLES,
    Assignment,
    AssignmentState,
    CommitteeRules,
    Feedback,
    Reply,
    ReplyStatus,
    Satisfaction,
)

REGISTERED_OR_LATER = [
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.REPLIED,
    Status.EVALUATED,
    Status.REHANDLING,
    Status.CLOSED,
]

# SVG chart geometry (user units; the SVG scales to the page width).
CHART_WIDTH = 640
LABEL_WIDTH = 210
BAR_AREA = 350
ROW_HEIGHT = 30
BAR_HEIGHT = 18


@dataclass
class Column:
    label: str
    kind: str = "int"  # "label", "int" or "percent"


@dataclass
class Bar:
    label: str
    value: int
    width: float
    y: int
    text_y: int
    value_x: float


@dataclass
class ReportTable:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    chart_column: int | None = 1
    note: str = ""

    def formatted(self, row: list) -> list[str]:
        return [
            _format(value, column.kind) for value, column in zip(row, self.columns, strict=True)
        ]

    @property
    def display_rows(self) -> list[list[str]]:
        return [self.formatted(row) for row in self.rows]

    @property
    def display_total(self) -> list[str] | None:
        return self.formatted(self.total) if self.total else None

    @property
    def chart(self) -> dict | None:
        """Horizontal bars for the charted column, laid out here so templates only place
        them. None when there is nothing to draw."""
        if self.chart_column is None or not self.rows:
            return None
        values = [row[self.chart_column] or 0 for row in self.rows]
        highest = max(values)
        if highest <= 0:
            return None
        bars = []
        for index, (row, value) in enumerate(zip(self.rows, values, strict=True)):
            y = 8 + index * ROW_HEIGHT
            width = BAR_AREA * value / highest
            bars.append(
                Bar(
                    label=_truncate(str(row[0])),
                    value=value,
                    width=round(width, 1),
                    y=y,
                    text_y=y + BAR_HEIGHT - 4,
                    value_x=round(LABEL_WIDTH + width + 6, 1),
                )
            )
        return {
            "width": CHART_WIDTH,
            "height": 16 + len(bars) * ROW_HEIGHT,
            "label_x": LABEL_WIDTH - 8,
            "bar_x": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT,
            "bars": bars,
            "column": self.columns[self.chart_column].label,
        }


def _truncate(text: str, limit: int = 13) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _format(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "percent":
        return f"{value * 100:.1f}%"
    return str(value)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _count_by(queryset, field: str) -> dict:
    """{value of `field`: number of rows} in one GROUP BY."""
    return dict(queryset.values_list(field).annotate(n=Count("id")).values_list(field, "n"))


def _share_table(key, title, heading, count_heading, counts: dict, labels) -> ReportTable:
    """Counts by category with each one's share and a total row; `labels` gives the
    (value, label) pairs in the order shown, a category with none counting 0."""
    total = sum(counts.values())
    rows = [
        [str(label), counts.get(value, 0), _share(counts.get(value, 0), total)]
        for value, label in labels
    ]
    return ReportTable(
        key=key,
        title=title,
        columns=[Column(heading, "label"), Column(count_heading), Column(_("占比"), "percent")],
        rows=rows,
        total=[_("合计"), total, 1.0 if total else 0.0],
    )


# --- The tables --------------------------------------------------------------------------
def session_report(session: Session, *, today: date | None = None) -> list[ReportTable]:
    today = today or clock.today()
    return [
        by_status(session),
        by_category(session),
        by_sponsor_kind(session),
        by_agency(session, today=today),
        timeliness(session, today=today),
        by_classification(session),
        by_satisfaction(session),
    ]


TABLE_KEYS = [
    "status",
    "category",
    "sponsor_kind",
    "agency",
    "timeliness",
    "classification",
    "satisfaction",
]


def table_by_key(session: Session, key: str, *, today: date | None = None) -> ReportTable | None:
    today = today or clock.today()
    builders = {
        "status": lambda: by_status(session),
        "category": lambda: by_category(session),
        "sponsor_kind": lambda: by_sponsor_kind(session),
        "agency": lambda: by_agency(session, today=today),
        "timeliness": lambda: timeliness(session, today=today),
        "classification": lambda: by_classification(session),
        "satisfaction": lambda: by_satisfaction(session),
    }
    builder = builders.get(key)
    return builder() if builder else None


def _proposals(session):
    return Proposal.objects.filter(session=session).exclude(status=Status.DRAFT)


def by_status(session: Session) -> ReportTable:
    return _share_table(
        "status",
        _("提案办理状态"),
        _("状态"),
        _("件数"),
        _count_by(_proposals(session), "status"),
        [(status.value, status.label) for status in Status if status != Status.DRAFT],
    )


def by_category(session: Session) -> ReportTable:
    counted = (
        _proposals(session)
        .values("category__name", "category__order")
        .annotate(
            n=Count("id"),
            registered=Count("id", filter=Q(status__in=REGISTERED_OR_LATER)),
        )
        .order_by("category__order", "category__name")
    )
    total = sum(row["n"] for row in counted)
    rows = [
        [
            row["category__name"] or _("未分类"),
            row["n"],
            row["registered"],
            _share(row["n"], total),
        ]
        for row in counted
    ]
    return ReportTable(
        key="category",
        title=_("按类别统计"),
        columns=[
            Column(_("类别"), "label"),
            Column(_("提案数")),
            Column(_("立案数")),
            Column(_("占比"), "percent"),
        ],
        rows=rows,
        total=[_("合计"), total, sum(r[2] for r in rows), 1.0 if total else 0.0],
    )


def by_sponsor_kind(session: Session) -> ReportTable:
    leads = Sponsorship.objects.filter(is_lead=True, proposal__in=_proposals(session))
    return _share_table(
        "sponsor_kind",
        _("按提案人类型统计（领衔提案人）"),
        _("提案人类型"),
        _("提案数"),
        _count_by(leads, "sponsor__kind"),
        SponsorKind.choices,
    )


def _assignments(session):
    return Assignment.objects.filter(proposal__session=session).exclude(
        state=AssignmentState.WITHDRAWN
    )


def by_agency(session: Session, *, today: date) -> ReportTable:
    replying = Q(role__in=REPLYING_ROLES)
    counted = (
        _assignments(session)
        .values("agency__name")
        .annotate(
            total=Count("id"),
            replying=Count("id", filter=replying),
            opinion=Count("id", filter=Q(role__in=OPINION_ROLES)),
            replied=Count("id", filter=replying & Q(state=AssignmentState.REPLIED)),
            on_time=Count("id", filter=replying & timely.on_time_q()),
            late=Count("id", filter=replying & timely.late_q()),
            overdue=Count("id", filter=timely.overdue_q(today)),
            # The on-time rate over all its work, replies and opinions alike.
            all_on_time=Count("id", filter=timely.on_time_q()),
            all_fallen_due=Count("id", filter=timely.fallen_due_q(today)),
        )
        .order_by("-total", "agency__name")
    )
    keys = ["total", "replying", "opinion", "replied", "on_time", "late", "overdue"]
    rows = [
        [
            row["agency__name"],
            *(row[k] for k in keys),
            timely.on_time_rate(row["all_on_time"], row["all_fallen_due"]),
        ]
        for row in counted
    ]
    total = [
        _("合计"),
        *(sum(r[i] for r in rows) for i in range(1, len(keys) + 1)),
        timely.on_time_rate(
            sum(row["all_on_time"] for row in counted),
            sum(row["all_fallen_due"] for row in counted),
        ),
    ]
    return ReportTable(
        key="agency",
        title=_("按承办单位统计"),
        columns=[
            Column(_("承办单位"), "label"),
            Column(_("交办件数")),
            Column(_("主办/独办/分办")),
            Column(_("会办/协办")),
            Column(_("已答复")),
            Column(_("按期答复")),
            Column(_("逾期答复")),
            Column(_("逾期未办结")),
            Column(_("按期完成率"), "percent"),
        ],
        rows=rows,
        total=total,
    )


def timeliness(session: Session, *, today: date) -> ReportTable:
    counted = (
        _assignments(session)
        .filter(role__in=REPLYING_ROLES)
        .aggregate(
            on_time=Count("id", filter=timely.on_time_q()),
            late=Count("id", filter=timely.late_q()),
            open_in_time=Count("id", filter=timely.not_yet_due_q(today)),
            overdue=Count("id", filter=timely.overdue_q(today)),
        )
    )
    labels = {
        "on_time": _("按期答复"),
        "late": _("逾期答复"),
        "open_in_time": _("办理中（未到期）"),
        "overdue": _("逾期未答复"),
    }
    return _share_table(
        "timeliness",
        _("按期办理情况（主办、独办、分办单位）"),
        _("办理情况"),
        _("件数"),
        counted,
        labels.items(),
    )


def by_classification(session: Session) -> ReportTable:
    latest: dict[int, Reply] = {}
    replies = Reply.objects.filter(
        assignment__in=_assignments(session), status=ReplyStatus.CONFIRMED
    ).only("id", "assignment_id", "round", "classification")
    for reply in replies:
        if reply.assignment_id not in latest or reply.round > latest[reply.assignment_id].round:
            latest[reply.assignment_id] = reply
    counts: dict[str, int] = {}
    for reply in latest.values():
        counts[reply.classification] = counts.get(reply.classification, 0) + 1
    return _share_table(
        "classification",
        _("按办理类型统计（答复类别）"),
        _("办理类型"),
        _("答复数"),
        counts,
        CommitteeRules.of(session.committee_id).classification_choices(),
    )


def by_satisfaction(session: Session) -> ReportTable:
    feedback = Feedback.objects.filter(reply__assignment__in=_assignments(session))
    return _share_table(
        "satisfaction",
        _("提案人满意度"),
        _("满意度"),
        _("评价数"),
        _count_by(feedback, "satisfaction"),
        Satisfaction.choices,
    )


# --- Excel -------------------------------------------------------------------------------
def workbook_bytes(session: Session, tables: list[ReportTable]) -> bytes:
    """One sheet per table: a title line, the header, the rows and the total, with
    percentages stored as numbers (formatted as %), so people can compute with them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title))
        # Names typed by people (agencies, categories, the session) stay text: a name
        # starting with = + - @ must not become a live formula (common/spreadsheet.py).
        sheet.append([safe_cell(f"{session.name} · {table.title}")])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([safe_cell(str(column.label)) for column in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        body = [*table.rows, *([table.total] if table.total else [])]
        for row in body:
            sheet.append([safe_cell(value) for value in row])
            for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
                if column.kind == "percent":
                    cell.number_format = "0.0%"
        if table.total:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for index, column in enumerate(table.columns, start=1):
            width = 28 if column.kind == "label" else max(10, len(column.label) * 2 + 2)
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]
