"""CSV export of a filtered list and the Atom feed."""

import csv
import io
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from demo.seed import load_seed
from tests.factories import CategoryFactory
from tests.public_data import make_118, make_published

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def fresh_cache():
    # Home, feed and agency figures are cached; each test starts without them.
    from portal.selectors import forget_cached

    forget_cached()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def export(client, **params):
    response = client.get(reverse("public:export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_exports_the_filtered_list_in_full(client, session, sponsor, agency):
    p118 = make_118(session=session, sponsor=sponsor, agency=agency)
    culture = CategoryFactory(name="文化")
    for n in range(25):  # more than one page: the export is not paginated
        make_published(title=f"文化提案{n}", session=session, category=culture)
    make_published(title="未公开", session=session, category=culture, published=False)
    rows = export(client, category=culture.pk)
    assert len(rows) == 25 and all(r["类别"] == "文化" for r in rows)
    (row,) = export(client, q="新型工业化")
    assert row["标题"] == load_seed().title
    assert row["编号"] == "118"
    assert row["提案人"] == "市致公党"
    assert row["承办单位"] == "苏州市工业和信息化局（主办）"
    assert row["办理类型"] == "A：已经解决或基本解决"
    assert row["答复时间"] == "2025-06-20 14:57"
    assert row["网址"] == "http://testserver" + reverse("public:proposal", args=[p118.pk])


def test_csv_cells_cannot_become_spreadsheet_formulas(client, session):
    make_published(title='=HYPERLINK("http://evil")', session=session)
    (row,) = export(client)
    assert row["标题"].startswith("'=")


def test_feed_lists_new_proposals_and_public_replies(client, session, agency):
    make_published(title="新公开的提案", session=session, reply=False)
    make_published(title="有公开答复的提案", session=session, agency=agency, summary="答复全文")
    make_published(title="有不公开答复的提案", session=session, agency=agency, reply_public=False)
    make_published(title="未公开的提案", session=session, published=False)
    response = client.get(reverse("public:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert any("新公开的提案" in t for t in titles)
    assert any(t.startswith(agency.name + "答复") and "有公开答复的提案" in t for t in titles)
    assert sum("有不公开答复的提案" in t for t in titles) == 1  # the proposal, not its reply
    assert not any("未公开的提案" in t for t in titles)


def test_unpublishing_takes_the_reply_off_the_feed_and_home_at_once(
    client, session, agency, alice, django_capture_on_commit_callbacks
):
    """Both lists are cached for a minute; withdrawing must not wait for that."""
    from proposals.services import unpublish_proposal

    proposal = make_published(title="将被撤下的提案", session=session, agency=agency)
    make_published(title="留在网上的提案", session=session, agency=agency)

    def feed_titles():
        feed = ElementTree.fromstring(client.get(reverse("public:feed")).content)
        return [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]

    def home():
        return client.get(reverse("public:home")).content.decode()

    assert any("将被撤下的提案" in t for t in feed_titles())  # now cached
    assert "将被撤下的提案" in home()
    with django_capture_on_commit_callbacks(execute=True):
        unpublish_proposal(proposal, by=alice, note="内容需要更正")
    assert not any("将被撤下的提案" in t for t in feed_titles())
    assert "将被撤下的提案" not in home()
    assert any("留在网上的提案" in t for t in feed_titles())
