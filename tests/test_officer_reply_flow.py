"""The officer's reply flow as users met it (issue #13): a missing joint opinion said
before the form, a refused save that keeps its letter, the reply's real time, 确认答复
asked before it is done."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from officer import kept_letters
from responses.models import AssignmentState, Reply, ReplyStatus
from responses.models import Role as AssignmentRole
from responses.services import waive_joint_opinions
from tests.officer_data import make_assignment, make_document, make_draft_reply, pdf_bytes

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Suzhou


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def waiting_lead(agency, other_agency):
    """A lead agency (bob's) whose assisting agency has not sent its opinion."""
    lead = make_assignment(agency, state=AssignmentState.ACCEPTED)
    make_assignment(
        other_agency,
        proposal=lead.proposal,
        role=AssignmentRole.ASSISTING,
        opinion_deadline=dt.date(2025, 7, 2),
    )
    return lead


def url(name, obj):
    key = "reply_id" if isinstance(obj, Reply) else "assignment_id"
    return reverse(f"officer:{name}", kwargs={key: obj.pk})


LETTER = pdf_bytes()


def letter(name="答复函.pdf", content=LETTER):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def reply_data(**overrides):
    data = {
        "classification": "A",
        "summary": "已将建议纳入年度工作计划。",
        "signer": "张局长",
        "contact": "李联络员",
        "contact_phone": "0512-65000000",
        "is_public": "1",
        "replied_on": "2025-06-02",
        "replied_time": "09:30",
    }
    return data | overrides


def kept_files() -> list[str]:
    try:
        return default_storage.listdir(kept_letters.FOLDER)[1]
    except FileNotFoundError:
        return []


# --- 1. A missing joint opinion, said before; a refused save keeps its letter ------------


def test_the_assignment_page_names_the_missing_opinion_and_what_can_be_done(officer, waiting_lead):
    page = officer.get(url("assignment", waiting_lead)).content.decode()
    assert "尚未收到会办意见：苏州市财政局（协办，意见期限 2025-07-02）" in page
    assert "等待上述单位提交会办意见" in page
    assert "联系提案委员会工作人员，由其决定“免于等待会办意见”" in page
    assert url("file-reply", waiting_lead) not in page


def test_the_reply_form_says_the_missing_opinion_at_the_top_before_anything_is_typed(
    officer, waiting_lead
):
    page = officer.get(url("file-reply", waiting_lead)).content.decode()
    notice = page.index("尚未收到会办意见：苏州市财政局")
    assert notice < page.index('enctype="multipart/form-data"')
    assert "免于等待会办意见" in page


def test_the_reply_form_of_a_lead_with_every_opinion_says_nothing_of_opinions(officer, agency):
    lead = make_assignment(agency, state=AssignmentState.ACCEPTED)
    assert "尚未收到会办意见" not in officer.get(url("file-reply", lead)).content.decode()


def test_a_refused_save_keeps_the_letter_and_a_resubmit_files_it_without_choosing_again(
    officer, waiting_lead, alice
):
    refused = officer.post(url("file-reply", waiting_lead), reply_data(upload=letter()))
    page = refused.content.decode()
    assert "尚未收到会办意见：苏州市财政局。" in page
    assert "已上传：答复函.pdf（保留）" in page
    kept = refused.context["kept"]
    assert f'name="kept_letter" value="{kept.token}"' in page
    assert not Reply.objects.exists()
    assert len(kept_files()) == 1

    waive_joint_opinions(waiting_lead, by=alice)
    response = officer.post(
        url("file-reply", waiting_lead), reply_data(kept_letter=kept.token), follow=True
    )
    reply = Reply.objects.get()
    assert response.redirect_chain[-1][0] == url("reply", reply)
    document = reply.documents.get()
    assert document.original_name == "答复函.pdf"
    assert document.sha256 == hashlib.sha256(LETTER).hexdigest()
    assert document.original.open("rb").read() == LETTER  # byte for byte
    assert kept_files() == []  # the kept copy is gone once used


def test_a_form_error_keeps_the_letter_too(officer, agency):
    sole = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    refused = officer.post(url("file-reply", sole), reply_data(signer="", upload=letter()))
    assert refused.context["form"].errors["signer"]
    assert "已上传：答复函.pdf（保留）" in refused.content.decode()
    token = refused.context["kept"].token

    officer.post(url("file-reply", sole), reply_data(kept_letter=token))
    assert Reply.objects.get().documents.get().sha256 == hashlib.sha256(LETTER).hexdigest()


def test_a_new_letter_replaces_the_kept_one(officer, waiting_lead):
    first = officer.post(url("file-reply", waiting_lead), reply_data(upload=letter("一.pdf")))
    second = officer.post(
        url("file-reply", waiting_lead),
        reply_data(kept_letter=first.context["kept"].token, upload=letter("二.pdf")),
    )
    assert "已上传：二.pdf（保留）" in second.content.decode()
    assert len(kept_files()) == 1


def test_a_file_that_is_not_a_letter_is_not_kept(officer, waiting_lead):
    page = officer.post(
        url("file-reply", waiting_lead),
        reply_data(upload=letter("答复函.pdf", b"<!doctype html><html>hi</html>")),
    )
    assert page.context["kept"] is None
    assert kept_files() == []


def test_a_kept_letter_serves_only_its_own_assignment(officer, agency, waiting_lead):
    token = (
        officer.post(url("file-reply", waiting_lead), reply_data(upload=letter()))
        .context["kept"]
        .token
    )
    other = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    response = officer.post(url("file-reply", other), reply_data(kept_letter=token))
    assert response.context["form"].errors["upload"] == ["该字段是必填项。"]
    assert not Reply.objects.exists()


def test_a_kept_letter_serves_only_the_user_who_sent_it(client, bob, agency, waiting_lead):
    client.force_login(bob)
    token = (
        client.post(url("file-reply", waiting_lead), reply_data(upload=letter()))
        .context["kept"]
        .token
    )
    from tests.factories import OfficerFactory

    colleague = OfficerFactory(username="bobs-colleague", agency=agency)
    assert kept_letters.restore(token, user=colleague, assignment=waiting_lead) is None
    assert kept_letters.restore(token, user=bob, assignment=waiting_lead) is not None
    assert kept_letters.restore(token + "x", user=bob, assignment=waiting_lead) is None


def test_kept_letters_expire_and_are_swept(officer, bob, agency, waiting_lead):
    token = (
        officer.post(url("file-reply", waiting_lead), reply_data(upload=letter()))
        .context["kept"]
        .token
    )
    later = NOW + kept_letters.MAX_AGE + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        officer.force_login(bob)  # a new session: the idle one has timed out
        sole = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
        response = officer.post(url("file-reply", waiting_lead), reply_data(kept_letter=token))
        assert response.context["form"].errors["upload"] == ["该字段是必填项。"]
        # Keeping another letter sweeps the expired one away.
        officer.post(url("file-reply", sole), reply_data(signer="", upload=letter("新.pdf")))
    assert len(kept_files()) == 1


# --- 2. The reply's time --------------------------------------------------------------


def test_the_reply_form_offers_now_in_shanghai_as_the_reply_time(officer, agency):
    sole = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    page = officer.get(url("file-reply", sole)).content.decode()
    assert 'type="time" name="replied_time" value="10:00"' in page
    assert 'type="date" name="replied_on" value="2025-06-02"' in page


def test_the_reply_time_the_officer_gives_is_stored_and_shown(officer, agency, alice, client):
    sole = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    officer.post(url("file-reply", sole), reply_data(replied_time="09:30", upload=letter()))
    reply = Reply.objects.get()
    assert reply.replied_at == dt.datetime(2025, 6, 2, 1, 30, tzinfo=dt.UTC)
    assert "2025-06-02 09:30" in officer.get(url("reply", reply)).content.decode()
    assert "2025-06-02 09:30" in officer.get(url("assignment", sole)).content.decode()


def test_a_reply_time_in_the_future_is_refused(officer, agency):
    sole = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    response = officer.post(
        url("file-reply", sole), reply_data(replied_time="11:00", upload=letter())
    )
    assert "答复时间不能晚于现在。" in response.content.decode()
    assert not Reply.objects.exists()


def test_a_reply_filed_with_its_date_only_shows_no_made_up_midnight(officer, agency, client):
    sole = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    midnight = dt.datetime(2025, 6, 1, 16, 0, tzinfo=dt.UTC)  # 2025-06-02 00:00 in Suzhou
    reply = make_draft_reply(sole, replied_at=midnight)
    page = officer.get(url("reply", reply)).content.decode()
    assert "2025-06-02" in page
    assert "2025-06-02 00:00" not in page
    form = officer.get(url("file-reply", sole)).content.decode()
    assert 'name="replied_time" value="00:00"' not in form  # asked again, not invented


# --- 3. 确认答复 asks first -------------------------------------------------------------


def test_the_preview_leads_to_a_confirmation_page_and_only_its_post_confirms(officer, agency):
    sole = make_assignment(agency, role=AssignmentRole.SOLE, state=AssignmentState.ACCEPTED)
    reply = make_draft_reply(sole, replied_at=NOW - dt.timedelta(hours=1), signer="张局长")
    make_document(reply, name="答复函.docx")
    preview = officer.get(url("reply", reply)).content.decode()
    confirm_url = url("confirm-reply", reply)
    assert f'href="{confirm_url}"' in preview
    assert f'action="{confirm_url}"' not in preview  # no one-click POST

    page = officer.get(confirm_url).content.decode()
    assert "此操作不能撤销" in page
    assert "内容和答复函将锁定，不能再修改或更换" in page
    assert "2025-06-02 09:00" in page and "张局长" in page and "答复函.docx" in page
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.DRAFT  # the GET changed nothing

    officer.post(confirm_url)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.CONFIRMED


def test_staff_waive_asks_first_and_says_it_cannot_be_undone(client, alice, waiting_lead):
    client.force_login(alice)
    detail = client.get(reverse("staff:proposal-detail", args=[waiting_lead.proposal_id]))
    waive_url = reverse("staff:assignment-waive", args=[waiting_lead.pk])
    assert f'href="{waive_url}"' in detail.content.decode()
    assert f'action="{waive_url}"' not in detail.content.decode()

    page = client.get(waive_url).content.decode()
    assert "苏州市工业和信息化局将不再等待苏州市财政局的会办意见" in page
    assert "此操作不能撤销" in page
    waiting_lead.refresh_from_db()
    assert not waiting_lead.opinions_waived

    client.post(waive_url, {"note": "协办单位机构调整"})
    waiting_lead.refresh_from_db()
    assert waiting_lead.opinions_waived
