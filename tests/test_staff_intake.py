"""Entering proposals through the staff form: every field of the seed page, the number
proposed and never duplicated, Chinese validation messages, nothing half-saved, and a
sponsor's Word submission read into the form."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import Action, Event, Proposal, ProposalKind, SponsorKind, Sponsorship, Status
from tests import corpus
from tests.factories import CategoryFactory, SessionFactory, SponsorFactory
from tests.staff_data import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def economy(db):
    return CategoryFactory(name="经济")


@pytest.fixture
def staff_client(client, alice):
    client.force_login(alice)
    return client


def form_data(session, **overrides):
    data = {
        "session": session.pk,
        "number": "",
        "kind": ProposalKind.SUGGESTION,
        "title": "关于“人工智能+产业”深度融合,赋能新型工业化发展的建议",
        "lead_sponsor": "市致公党",
        "co_sponsors": "",
        "category": "",
        "submitted_at": "2025-01-20",
        "body": "习近平总书记强调,江苏要在推进中国式现代化中走在前做示范。",
    }
    data.update(overrides)
    return data


def test_the_form_offers_the_next_free_number_of_the_current_session(staff_client, alice, sponsor):
    session = SessionFactory(term=15, meeting=4, year=2025, is_current=True)
    submitted(alice, session, sponsor, number=117)
    response = staff_client.get(reverse("staff:proposal-create"))
    assert response.status_code == 200
    assert response.context["form"].initial == {"session": session.pk, "number": 118}
    assert 'name="number" value="118"' in response.content.decode()


def test_staff_enter_a_proposal_with_every_field(staff_client, alice, session, sponsor, economy):
    colleague = SponsorFactory(name="张委员")
    data = form_data(
        session,
        number="118",
        co_sponsors="张委员",
        category=economy.pk,
        is_key="on",
    )
    response = staff_client.post(reverse("staff:proposal-create"), data)

    proposal = Proposal.objects.get(session=session, number=118)
    assert response.url == reverse("staff:proposal-detail", args=[proposal.pk])
    assert proposal.kind == ProposalKind.SUGGESTION
    assert proposal.title.startswith("关于“人工智能+产业”")
    assert proposal.lead_sponsor == sponsor
    assert proposal.co_sponsors == [colleague]
    assert proposal.category == economy
    assert proposal.is_key
    assert proposal.status == Status.SUBMITTED
    assert proposal.submitted_at.date().isoformat() == "2025-01-20"
    event = Event.objects.get(proposal=proposal)
    assert (event.action, event.actor, event.to_state) == (Action.CREATE, alice, Status.SUBMITTED)


def test_a_blank_number_takes_the_next_free_one(staff_client, alice, session, sponsor):
    submitted(alice, session, sponsor, number=41)
    staff_client.post(reverse("staff:proposal-create"), form_data(session))
    assert Proposal.objects.filter(session=session, number=42).exists()


def test_a_number_in_use_is_refused_with_the_next_free_one_suggested(
    staff_client, alice, session, sponsor
):
    submitted(alice, session, sponsor, number=118)
    response = staff_client.post(reverse("staff:proposal-create"), form_data(session, number="118"))

    assert response.status_code == 200
    assert "第十五届委员会第四次会议已有第118号提案，请换一个编号（建议 119）。" in (
        response.content.decode()
    )
    assert Proposal.objects.filter(session=session).count() == 1
    assert (
        not Sponsorship.objects.filter(proposal__number=118)
        .exclude(proposal__title="关于加快发展新质生产力的建议")
        .exists()
    )


def test_missing_fields_are_reported_in_chinese_and_nothing_is_saved(staff_client, session):
    response = staff_client.post(
        reverse("staff:proposal-create"), form_data(session, title="", body="", lead_sponsor="")
    )
    form = response.context["form"]
    assert form.errors["title"] == ["请填写标题。"]
    assert form.errors["body"] == ["请填写提案内容。"]
    assert form.errors["lead_sponsor"] == ["请选择领衔提案人。"]
    assert "请检查下面标红的项目。" in response.content.decode()
    assert not Proposal.objects.exists()


def test_an_unknown_sponsor_is_named_in_the_error(staff_client, session):
    response = staff_client.post(
        reverse("staff:proposal-create"),
        form_data(session, lead_sponsor="民盟市委", co_sponsors="李委员、王委员"),
    )
    errors = response.context["form"].errors
    assert errors["lead_sponsor"] == [
        "找不到提案人“民盟市委”。请从候选列表中选择，或先在数据管理中添加该提案人。"
    ]
    assert len(errors["co_sponsors"]) == 2
    assert not Proposal.objects.exists()


def test_two_sponsors_of_one_name_are_told_apart_by_their_kind(staff_client, session):
    SponsorFactory(name="李明", kind=SponsorKind.MEMBER)
    sector = SponsorFactory(name="李明", kind=SponsorKind.SECTOR)

    response = staff_client.post(
        reverse("staff:proposal-create"), form_data(session, lead_sponsor="李明")
    )
    assert response.context["form"].errors["lead_sponsor"] == [
        "有多个名为“李明”的提案人，请写明类型，例如“李明（委员）”。"
    ]

    staff_client.post(
        reverse("staff:proposal-create"), form_data(session, lead_sponsor="李明（界别）")
    )
    assert Proposal.objects.get().lead_sponsor == sector


def test_save_as_draft_keeps_a_draft_that_is_submitted_later(staff_client, session, sponsor):
    staff_client.post(reverse("staff:proposal-create"), {**form_data(session), "save_draft": "1"})
    proposal = Proposal.objects.get()
    assert proposal.status == Status.DRAFT

    staff_client.post(reverse("staff:proposal-submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert Event.objects.filter(proposal=proposal, action=Action.SUBMIT).exists()


def test_staff_correct_a_submitted_proposal(staff_client, alice, session, sponsor, economy):
    proposal = submitted(alice, session, sponsor)
    other = SponsorFactory(name="民进市委", kind=SponsorKind.PARTY)
    url = reverse("staff:proposal-edit", args=[proposal.pk])
    assert staff_client.get(url).context["form"].initial["lead_sponsor"] == "市致公党"

    response = staff_client.post(
        url,
        {
            "kind": ProposalKind.PROPOSAL,
            "title": "关于加快发展新质生产力的提案",
            "lead_sponsor": "市致公党",
            "co_sponsors": "民进市委",
            "category": economy.pk,
            "submitted_at": "",
            "body": "修改后的内容。",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "关于加快发展新质生产力的提案"
    assert proposal.co_sponsors == [other]
    event = Event.objects.get(proposal=proposal, action=Action.UPDATE)
    assert set(event.data["fields"]) >= {"title", "body", "sponsors"}


def test_an_assigned_proposal_can_no_longer_be_corrected(staff_client, alice, session, sponsor):
    proposal = submitted(alice, session, sponsor)
    Proposal.objects.filter(pk=proposal.pk).update(status=Status.ASSIGNED)
    response = staff_client.post(
        reverse("staff:proposal-edit", args=[proposal.pk]),
        form_data(session, kind=ProposalKind.PROPOSAL),
    )
    assert "当前状态为“办理中”，不能修改" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.title == "关于加快发展新质生产力的建议"


def test_the_sponsor_picker_finds_sponsors_of_every_kind(staff_client, sponsor):
    SponsorFactory(name="市工商联", kind=SponsorKind.FEDERATION)
    SponsorFactory(name="经济界别", kind=SponsorKind.SECTOR)
    SponsorFactory(name="市政协经济委员会", kind=SponsorKind.COMMITTEE)
    SponsorFactory(name="停用的委员", is_active=False)

    results = staff_client.get(reverse("staff:sponsor-search"), {"q": "市"}).json()["results"]
    assert {r["value"] for r in results} == {"市致公党", "市工商联", "市政协经济委员会"}
    assert {r["kind"] for r in results} == {"民主党派", "工商联", "专门委员会"}


def test_the_sponsor_picker_adds_the_kind_when_names_are_shared(staff_client):
    SponsorFactory(name="李明", kind=SponsorKind.MEMBER)
    SponsorFactory(name="李明", kind=SponsorKind.SECTOR)
    results = staff_client.get(reverse("staff:sponsor-search"), {"q": "李"}).json()["results"]
    assert sorted(r["value"] for r in results) == ["李明（委员）", "李明（界别）"]


def test_the_next_number_follows_the_chosen_session(staff_client, alice, sponsor, session):
    submitted(alice, session, sponsor, number=7)
    response = staff_client.get(reverse("staff:next-number"), {"session": session.pk})
    assert response.json() == {"session": session.pk, "number": 8}


# --- A sponsor's Word submission -----------------------------------------------------------
def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_a_word_submission_prefills_title_sponsor_and_body(staff_client, session, sponsor):
    session.is_current = True
    session.save()
    response = staff_client.post(
        reverse("staff:import-word"), {"document": upload(corpus.path("zh/proposal-118.docx"))}
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "关于“人工智能+产业”深度融合,赋能新型工业化发展的建议"
    assert form.initial["lead_sponsor"] == "市致公党"
    assert form.initial["body"].startswith(
        "习近平总书记强调,江苏要在推进中国式现代化中走在前做示范。"
    )
    assert "完善人才共享机制" in form.initial["body"]
    assert response.context["import_warnings"] == []
    page = response.content.decode()
    assert "已从 proposal-118.docx 读取标题、提案人和正文，请核对后保存。" in page
    assert f'action="{reverse("staff:proposal-create")}"' in page
    # Nothing is saved until staff review the form and press save.
    assert not Proposal.objects.exists()


def test_a_word_submission_names_an_unknown_sponsor(staff_client, session):
    response = staff_client.post(
        reverse("staff:import-word"),
        {"document": upload(corpus.path("zh/proposal-118.docx")), "session": session.pk},
    )
    assert response.context["import_warnings"] == [
        "找不到提案人“市致公党”。请从候选列表中选择，或先在数据管理中添加该提案人。"
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("word/PasswordProtected.doc", "文件设置了打开密码"),
        ("made/macro.docm", "不接受启用宏的文档"),
        ("made/truncated.docx", "文件已损坏或不完整"),
        ("zh/reply-118.pdf", "这不是 Word 或 WPS 文档"),
    ],
)
def test_a_file_that_is_not_a_word_submission_is_refused_with_the_reason(
    staff_client, session, name, message
):
    response = staff_client.post(
        reverse("staff:import-word"), {"document": upload(corpus.path(name))}
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["document"][0]
    assert not Proposal.objects.exists()
