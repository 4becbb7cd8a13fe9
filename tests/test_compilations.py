"""汇编: a session's 提案汇编 / 答复汇编 / 提案目录 built by the task into a PDF (WeasyPrint)
and a .docx (python-docx), downloadable by staff only, one build per kind at a time."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from proposals.models import Status
from proposals.workflow import TransitionError
from staff.compilations.service import request_compilation
from staff.models import Compilation, CompilationStatus
from tests.factories import (
    CategoryFactory,
    CommitteeFactory,
    ProposalFactory,
    SessionFactory,
    SponsorFactory,
)
from tests.officer_data import make_document
from tests.staff_data import replied

pytestmark = pytest.mark.django_db

CATEGORIES = ("经济", "文化", "社会")
TOC_LINE = re.compile(r"第(\d+)号\s*(关于\S+?的提案)[\s.…]*?(\d+)\s*$")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def thirty(session):
    """30 registered proposals, 10 in each of 3 categories, numbers interleaved."""
    categories = [CategoryFactory(name=name, order=i) for i, name in enumerate(CATEGORIES)]
    for number in range(1, 31):
        ProposalFactory(
            session=session,
            number=number,
            title=f"关于推进第{number}项民生工作的提案",
            body="一、现状与问题。\n二、几点建议：加强统筹协调。\n" * 3,
            category=categories[number % 3],
            status=Status.REGISTERED,
            lead_sponsor=SponsorFactory(name=f"张委员{number}"),
        )
    # Not registered: left out of every compilation.
    ProposalFactory(session=session, number=99, title="关于未立案事项的提案")
    return categories


def build(session, kind, by, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        compilation, new = request_compilation(session, kind, by=by)
    assert new
    compilation.refresh_from_db()
    return compilation


def pages_of(compilation) -> list[str]:
    with compilation.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return [page.extract_text() or "" for page in reader.pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_proposal_compilation_has_a_toc_whose_page_numbers_name_the_right_pages(
    alice, session, thirty, django_capture_on_commit_callbacks
):
    compilation = build(session, "proposals", alice, django_capture_on_commit_callbacks)
    assert compilation.status == CompilationStatus.READY
    assert compilation.progress == 100
    assert compilation.proposal_count == 30
    pages = pages_of(compilation)
    # The cover: the committee's and the session's names, CJK text extractable.
    assert flat(session.committee.name) in flat(pages[0])
    assert flat(session.committee.short_name) in flat(pages[0])
    assert flat(session.name) in flat(pages[0])
    assert "提案汇编" in flat(pages[0])
    # The table of contents: every proposal once, by category, with its page.
    entries = {}
    for text in pages[1:4]:
        for line in text.splitlines():
            if found := TOC_LINE.search(line.strip()):
                entries[int(found[1])] = (found[2], int(found[3]))
    assert sorted(entries) == list(range(1, 31))
    for number, (title, page) in entries.items():
        assert title == f"关于推进第{number}项民生工作的提案"
        assert title in flat(pages[page - 1]), (number, page)
        assert f"张委员{number}" in flat(pages[page - 1])
    # Grouped by category in the categories' order: 经济 (number % 3 == 0) first.
    toc = flat("".join(pages[1:4]))
    assert toc.index("经济") < toc.index("文化") < toc.index("社会")
    assert "未立案" not in flat("".join(pages))
    # Running page numbers in every footer but the cover's.
    assert "第1页" not in flat(pages[0])
    for index, text in enumerate(pages[1:], start=2):
        assert f"第{index}页" in flat(text), index


def test_the_docx_opens_and_has_the_category_and_proposal_headings(
    alice, session, thirty, django_capture_on_commit_callbacks
):
    compilation = build(session, "proposals", alice, django_capture_on_commit_callbacks)
    with compilation.docx.open("rb") as f:
        document = Document(io.BytesIO(f.read()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in CATEGORIES] == list(CATEGORIES)
    assert "第3号　关于推进第3项民生工作的提案" in headings
    assert len([h for h in headings if h.startswith("第")]) == 30
    assert any("张委员7" in p.text for p in document.paragraphs)


def test_a_second_click_while_building_does_not_start_a_second_build(
    alice, session, thirty, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first, new = request_compilation(session, "catalogue", by=alice)
    assert new and len(queued) == 1
    with django_capture_on_commit_callbacks(execute=False) as queued_again:
        second, new_again = request_compilation(session, "catalogue", by=alice)
    assert second.pk == first.pk and not new_again
    assert queued_again == []
    assert Compilation.objects.count() == 1
    # The queued task runs; a second delivery of it finds nothing to do.
    queued[0]()
    first.refresh_from_db()
    assert first.status == CompilationStatus.READY
    finished = first.finished_at
    queued[0]()
    first.refresh_from_db()
    assert first.finished_at == finished
    # Once it is built, the button starts a new build.
    _third, new_third = request_compilation(session, "catalogue", by=alice)
    assert new_third


def test_a_session_over_the_cap_is_refused_with_a_clear_message(alice, session, thirty, settings):
    settings.COMPILATION_MAX_PROPOSALS = 10
    with pytest.raises(TransitionError) as refused:
        request_compilation(session, "proposals", by=alice)
    assert "30" in str(refused.value) and "10" in str(refused.value)
    assert not Compilation.objects.exists()


def test_the_catalogue_lists_number_title_sponsors_category_and_lead_agency(
    alice, session, sponsor, agency, django_capture_on_commit_callbacks
):
    reply = replied(alice, session, sponsor, agency, title="关于完善公交线网的提案")
    compilation = build(session, "catalogue", alice, django_capture_on_commit_callbacks)
    text = flat("".join(pages_of(compilation)))
    proposal = reply.assignment.proposal
    assert "关于完善公交线网的提案" in text
    assert flat(agency.name) in text and flat(sponsor.name) in text and "经济" in text
    with compilation.docx.open("rb") as f:
        table = Document(io.BytesIO(f.read())).tables[0]
    assert [c.text for c in table.rows[1].cells] == [
        str(proposal.number),
        "关于完善公交线网的提案",
        sponsor.name,
        "经济",
        agency.name,
    ]


def test_the_reply_compilation_holds_each_public_replys_letter_text_and_classification(
    alice, session, sponsor, agency, other_agency, django_capture_on_commit_callbacks
):
    public = replied(alice, session, sponsor, agency, title="关于完善公交线网的提案")
    document = make_document(public)
    document.text = "经研究，我局已于今年新辟公交线路三条。"
    document.save(update_fields=["text"])
    private = replied(alice, session, sponsor, other_agency, title="关于保密事项的提案")
    private.is_public = False
    private.save(update_fields=["is_public"])
    compilation = build(session, "replies", alice, django_capture_on_commit_callbacks)
    text = flat("".join(pages_of(compilation)))
    assert "经研究，我局已于今年新辟公交线路三条。" in text
    assert flat(agency.name) in text
    assert flat(public.get_classification_display()) in text
    assert "保密事项" not in text
    assert compilation.proposal_count == 2  # registered proposals of the session


def test_staff_request_a_build_see_it_and_download_both_files(
    client, alice, session, thirty, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:compilation-request"), {"session": session.pk, "kind": "catalogue"}
        )
    assert response.status_code == 302
    compilation = Compilation.objects.get()
    page = client.get(reverse("staff:compilations"), {"session": session.pk})
    assert reverse("staff:compilation-pdf", args=[compilation.pk]) in page.content.decode()
    pdf = client.get(reverse("staff:compilation-pdf", args=[compilation.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    docx = client.get(reverse("staff:compilation-docx", args=[compilation.pk]))
    assert docx.status_code == 200


def test_the_page_shows_progress_and_refreshes_itself_while_building(
    client, alice, session, thirty, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        compilation, _new = request_compilation(session, "proposals", by=alice)
    Compilation.objects.filter(pk=compilation.pk).update(status="building", progress=40)
    client.force_login(alice)
    html = client.get(reverse("staff:compilations"), {"session": session.pk}).content.decode()
    assert 'http-equiv="refresh"' in html
    assert 'value="40"' in html
    # Another click while it builds queues nothing and says so.
    response = client.post(
        reverse("staff:compilation-request"),
        {"session": session.pk, "kind": "proposals"},
        follow=True,
    )
    assert "正在生成" in response.content.decode()
    assert Compilation.objects.count() == 1


def test_another_committees_session_and_files_are_not_found(
    client, alice, session, thirty, django_capture_on_commit_callbacks
):
    compilation = build(session, "catalogue", alice, django_capture_on_commit_callbacks)
    other = SessionFactory(committee=CommitteeFactory())
    outsider = type(alice).objects.create_user(
        username="zoe", password="pw-for-tests-1", committee=other.committee, role="staff"
    )
    client.force_login(outsider)
    assert client.get(reverse("staff:compilation-pdf", args=[compilation.pk])).status_code == 404
    assert client.get(reverse("staff:compilations"), {"session": session.pk}).status_code == 404
    with pytest.raises(TransitionError):
        request_compilation(session, "catalogue", by=outsider)


def test_a_build_finding_the_session_grown_past_the_cap_fails_with_the_code_and_no_file(
    alice, session, thirty, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        compilation, _new = request_compilation(session, "proposals", by=alice)
    settings.COMPILATION_MAX_PROPOSALS = 10
    queued[0]()
    compilation.refresh_from_db()
    assert compilation.status == CompilationStatus.FAILED
    assert compilation.error == "too_many"
    assert not compilation.pdf and not compilation.docx
    # A failed build no longer blocks the button.
    settings.COMPILATION_MAX_PROPOSALS = 800
    with django_capture_on_commit_callbacks(execute=False):
        _again, new = request_compilation(session, "proposals", by=alice)
    assert new


def test_an_unknown_kind_is_refused(alice, session, thirty):
    with pytest.raises(TransitionError):
        request_compilation(session, "everything", by=alice)
    assert not Compilation.objects.exists()


def test_a_long_reply_letter_is_cut_with_a_note(
    alice, session, sponsor, agency, settings, django_capture_on_commit_callbacks
):
    settings.COMPILATION_MAX_TEXT = 100
    reply = replied(alice, session, sponsor, agency, title="关于完善公交线网的提案")
    document = make_document(reply)
    document.text = "开头一句。" + "公交线路优化调整。" * 200 + "最后一句不应出现。"
    document.save(update_fields=["text"])
    compilation = build(session, "replies", alice, django_capture_on_commit_callbacks)
    text = flat("".join(pages_of(compilation)))
    assert "开头一句。" in text
    assert "最后一句不应出现" not in text
    assert "以下从略" in text
