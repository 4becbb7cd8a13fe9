"""Statistics for a session: counts by category, sponsor kind, agency, classification,
satisfaction and timeliness; each table as .xlsx; a printable page with SVG bars."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from proposals.models import SponsorKind, Status
from responses.models import AssignmentState, Satisfaction
from staff.reports import session_report, table_by_key
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    ProposalFactory,
    SessionFactory,
    SponsorFactory,
)
from tests.staff_data import replied, with_feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(alice, session, sponsor, agency, other_agency):
    """A small session with known answers (comments give the expected counts)."""
    society = CategoryFactory(name="社会")
    member = SponsorFactory(name="张委员", kind=SponsorKind.MEMBER)
    # Two replied proposals (经济, party): A on time (satisfied), B late (dissatisfied).
    on_time = replied(alice, session, sponsor, agency, classification="A")
    late = replied(alice, session, sponsor, other_agency, classification="B")
    late.assignment.completed_at = timezone.now() + dt.timedelta(days=200)
    late.assignment.save()
    with_feedback(on_time, sponsor, Satisfaction.SATISFIED)
    with_feedback(late, sponsor, Satisfaction.DISSATISFIED)
    # One overdue assignment (社会, member), one still within its deadline.
    overdue = ProposalFactory(
        session=session, number=101, category=society, status=Status.ASSIGNED, lead_sponsor=member
    )
    AssignmentFactory(
        proposal=overdue, agency=agency, deadline=timezone.localdate() - dt.timedelta(days=3)
    )
    running = ProposalFactory(
        session=session, number=102, category=society, status=Status.ASSIGNED, lead_sponsor=member
    )
    AssignmentFactory(
        proposal=running, agency=agency, deadline=timezone.localdate() + dt.timedelta(days=30)
    )
    # Rejected, a draft (never counted) and another session's proposal (not counted).
    ProposalFactory(
        session=session, number=103, status=Status.REJECTED, category=society, lead_sponsor=member
    )
    ProposalFactory(session=session, number=104, status=Status.DRAFT)
    ProposalFactory(session=SessionFactory(term=15, meeting=9, year=2030))
    return session


def rows_of(session, key) -> dict:
    table = table_by_key(session, key)
    return {row[0]: row[1:] for row in table.rows}


def test_counts_by_category_with_registered_and_share(figures):
    table = table_by_key(figures, "category")
    assert {r[0]: r[1:3] for r in table.rows} == {"经济": [2, 2], "社会": [3, 2]}
    assert table.total[:3] == ["合计", 5, 4]
    assert table.display_rows[0][3] in {"40.0%", "60.0%"}


def test_counts_by_sponsor_kind_of_the_lead_sponsor(figures):
    counts = rows_of(figures, "sponsor_kind")
    assert counts["民主党派"][0] == 2
    assert counts["委员"][0] == 3
    assert counts["界别"][0] == 0


def test_counts_by_agency_with_on_time_late_and_overdue(figures):
    counts = rows_of(figures, "agency")
    # columns: 交办, 主办/独办/分办, 会办/协办, 已答复, 按期, 逾期答复, 逾期未办结, 按期完成率
    # (the rate over what has fallen due: 1 on time of 1 replied + 1 overdue)
    assert counts["苏州市工业和信息化局"] == [3, 3, 0, 1, 1, 0, 1, 0.5]
    assert counts["苏州市财政局"] == [1, 1, 0, 1, 0, 1, 0, 0.0]


def test_timeliness_of_the_replying_agencies(figures):
    assert {k: v[0] for k, v in rows_of(figures, "timeliness").items()} == {
        "按期答复": 1,
        "逾期答复": 1,
        "办理中（未到期）": 1,
        "逾期未答复": 1,
    }


def test_classification_counts_each_assignments_latest_reply(figures, agency):
    counts = rows_of(figures, "classification")
    assert [counts[label][0] for label in counts] == [1, 1, 0]
    assert list(counts)[0] == "A：已经解决或基本解决"


def test_satisfaction_counts(figures):
    counts = rows_of(figures, "satisfaction")
    assert {k: v[0] for k, v in counts.items()} == {"满意": 1, "基本满意": 0, "不满意": 1}
    assert counts["满意"][1] == 0.5


def test_a_withdrawn_assignment_is_not_counted_for_its_agency(session, agency):
    proposal = ProposalFactory(session=session, status=Status.ASSIGNED)
    AssignmentFactory(proposal=proposal, agency=agency, state=AssignmentState.WITHDRAWN)
    assert table_by_key(session, "agency").rows == []


def test_the_charts_are_svg_bars_scaled_to_the_largest_value(figures):
    chart = table_by_key(figures, "category").chart
    widths = {bar.label: bar.width for bar in chart["bars"]}
    assert widths["社会"] == 350.0  # the largest bar fills the bar area
    assert widths["经济"] == round(350 * 2 / 3, 1)


def test_an_empty_table_draws_no_chart(session):
    assert table_by_key(session, "satisfaction").chart is None


@pytest.fixture
def staff_client(client, alice):
    client.force_login(alice)
    return client


def test_the_report_page_shows_every_table_with_its_chart(staff_client, figures):
    response = staff_client.get(reverse("staff:reports"), {"session": figures.pk})
    page = response.content.decode()
    assert [t.key for t in response.context["tables"]] == [
        "status",
        "category",
        "sponsor_kind",
        "agency",
        "timeliness",
        "classification",
        "satisfaction",
    ]
    assert page.count("<svg") == 7
    assert 'class="chart-bar"' in page
    assert "<script" not in page.split("<main", 1)[1]  # charts need no script
    assert f"{reverse('staff:report-export', args=['agency'])}?session={figures.pk}" in page
    assert "data-print" in page


def test_each_table_exports_to_xlsx(staff_client, figures):
    url = reverse("staff:report-export", args=["category"])
    response = staff_client.get(url, {"session": figures.pk})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "第十五届委员会第四次会议 · 按类别统计"
    assert values[1] == ["类别", "提案数", "立案数", "占比"]
    assert values[-1] == ["合计", 5, 4, 1.0]
    assert sheet.cell(row=3, column=4).number_format == "0.0%"


def test_all_tables_export_as_one_workbook(staff_client, figures):
    response = staff_client.get(
        reverse("staff:report-export", args=["all"]), {"session": figures.pk}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == len(session_report(figures))


def test_an_unknown_table_is_not_found(staff_client, figures):
    response = staff_client.get(
        reverse("staff:report-export", args=["nope"]), {"session": figures.pk}
    )
    assert response.status_code == 404


def test_names_cannot_become_formulas_in_the_xlsx_export(staff_client, alice, session, sponsor):
    """An agency or category named like a formula stays text (as in the public CSV)."""
    from openpyxl.cell.cell import TYPE_FORMULA

    from tests.factories import AgencyFactory

    evil_agency = AgencyFactory(name='=HYPERLINK("http://evil.example","点我")')
    evil_category = CategoryFactory(name="+1+cmd|' /C calc'!A0")
    reply = replied(alice, session, sponsor, evil_agency, classification="A")
    proposal = reply.assignment.proposal
    proposal.category = evil_category
    proposal.save(update_fields=["category"])
    CategoryFactory(name="@SUM(1)")
    CategoryFactory(name="-2+3")

    response = staff_client.get(
        reverse("staff:report-export", args=["all"]), {"session": session.pk}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != TYPE_FORMULA, (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert "'" + evil_agency.name in texts
    assert "'" + evil_category.name in texts
