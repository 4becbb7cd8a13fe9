"""What users testing the public portal on a desktop and a phone found (issue 13): the
home page lists a proposal once under 最新答复, the list shows its active filters as
removable chips and folds its filter panel in a <details>, and English labels end with
an English colon."""

import pytest
from django.urls import reverse
from django.utils import timezone

from responses.models import Role as AssignmentRole
from tests.factories import AssignmentFactory, ReplyFactory, SponsorFactory
from tests.public_data import make_published


@pytest.fixture(autouse=True)
def fresh_cache():
    from portal.selectors import forget_cached

    forget_cached()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def html_of(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_home_lists_a_proposal_once_under_its_latest_reply(client, session, agency, other_agency):
    shared = make_published(
        title="两家单位答复的提案", session=session, agency=agency, role=AssignmentRole.SEPARATE
    )
    AssignmentFactory(proposal=shared, agency=other_agency, role=AssignmentRole.SEPARATE)
    later = ReplyFactory(
        assignment=shared.assignments.get(agency=other_agency),
        summary="第二家的答复",
        confirmed_at=timezone.now(),
    )
    make_published(title="另一件提案", session=session, agency=agency)
    html = html_of(client, reverse("public:home"))
    replies = html.split('id="latest-replies"')[1].split("</section>")[0]
    assert replies.count("两家单位答复的提案") == 1
    assert f"#reply-{later.pk}" in replies  # the latest of its replies
    assert "另一件提案" in replies


def test_a_sponsor_filter_shows_as_a_chip_that_removes_it(client, session, sponsor):
    qian = SponsorFactory(name="钱斌")
    make_published(title="钱斌的提案", session=session, sponsor=qian)
    make_published(title="别人的提案", session=session, sponsor=sponsor)
    url = reverse("public:proposals")
    html = html_of(client, f"{url}?sponsor={qian.pk}&kind=proposal&page=1")
    chips = html.split('class="filter-chips"')[1].split("</ul>")[0]
    assert "提案人：钱斌" in chips and "类型：提案" in chips
    assert f'href="{url}?kind=proposal"' in chips  # the sponsor chip's removal keeps the rest
    assert f'href="{url}?sponsor={qian.pk}"' in chips
    assert "（已选 2 项）" in html.split("</summary>")[0]
    assert "别人的提案" not in html


def test_the_filters_fold_in_a_details_and_no_chips_without_filters(client, session):
    make_published(title="一件提案", session=session)
    html = html_of(client, reverse("public:proposals"))
    assert '<details class="filters-details">' in html  # closed unless the CSS opens it
    assert "filter-chips" not in html and "已选" not in html


def test_english_labels_end_with_an_english_colon(client, session):
    proposal = make_published(title="A proposal", body="Text.", session=session)
    html = html_of(
        client, reverse("public:proposal", args=[proposal.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Published at: " in html and "：" not in html
    assert "发布时间：" in html_of(client, reverse("public:proposal", args=[proposal.pk]))
    listed = html_of(
        client, reverse("public:proposals") + "?year=x&kind=proposal", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Year: " in listed and "：" not in listed


def test_agency_table_headings_do_not_wrap(client):
    from pathlib import Path

    css = (Path(__file__).parent.parent / "static/css/portal.css").read_text()
    rule = css.split(".data-table thead th {")[1].split("}")[0]
    assert "white-space: nowrap" in rule
