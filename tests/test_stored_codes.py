"""Codes in the database, words at display: a reply's classification and the audit events
keep codes and data, and every page says them in its reader's language."""

import datetime as dt
from zoneinfo import ZoneInfo

import polib
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation

from common import clock
from proposals.models import Action, Event
from proposals.policies import sponsor_of
from responses import services
from responses.models import CommitteeRules, Reply
from responses.recalculation import change_calendar_day
from tests.factories import home_committee
from tests.staff_data import assigned, replied

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
PO_PATH = django_settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def english(tmp_path, settings):
    """The English catalogue compiled to a fresh .mo (no stale build is read)."""
    messages = tmp_path / "locale" / "en" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    polib.pofile(str(PO_PATH)).save_as_mofile(str(messages / "django.mo"))
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]


@pytest.fixture
def filed(alice, bob, session, sponsor, agency):
    """A reply filed through the service while the officer's interface was in Chinese."""
    with clock.at(dt.datetime(2025, 3, 20, 10, tzinfo=BEIJING)):
        assignment = assigned(alice, session, sponsor, agency)
    with clock.at(dt.datetime(2025, 5, 20, 10, tzinfo=BEIJING)):
        services.accept_assignment(assignment, by=bob)
        reply = services.file_reply(
            assignment, classification="A", replied_at=clock.now(), signer="张局长", by=bob
        )
    return reply


def test_a_reply_stores_its_classification_code_and_scheme_not_words(filed):
    stored = Reply.objects.values().get(pk=filed.pk)

    assert (stored["classification"], stored["classification_scheme"]) == ("A", "ABC")
    assert not any(isinstance(v, str) and "解决" in v for v in stored.values())


def test_the_classification_is_shown_in_the_readers_language(client, alice, filed, english):
    client.force_login(alice)
    url = reverse("staff:proposal-detail", args=[filed.assignment.proposal_id])

    english_page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese_page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "A: Resolved or largely resolved" in english_page
    assert "已经解决或基本解决" not in english_page
    assert "A：已经解决或基本解决" in chinese_page


def test_a_classification_keeps_the_meaning_of_the_scheme_it_was_filed_under(filed):
    rules = CommitteeRules.of(home_committee().pk)
    rules.classification_scheme = "ABCD"
    rules.save()
    Reply.objects.filter(pk=filed.pk).update(classification="C")

    assert Reply.objects.get(pk=filed.pk).get_classification_display() == "C：因条件限制留作参考"
    with translation.override("zh-hans"):
        assert dict(rules.classification_choices())["C"] == "C：需以后解决"


def test_the_sponsor_portal_shows_the_classification(client, dora, alice, session, agency):
    reply = replied(alice, session, sponsor_of(dora), agency, classification="B")
    client.force_login(dora)

    page = client.get(reverse("members:my-proposal", args=[reply.assignment.proposal_id]))

    assert "办理类型：B：正在解决或列入计划解决" in page.content.decode()


# --- Events keep codes and data ----------------------------------------------------------------


def test_events_keep_data_and_the_history_says_it(client, alice, session, sponsor, agency):
    with clock.at(dt.datetime(2025, 6, 2, 10, tzinfo=BEIJING)):
        assignment = assigned(alice, session, sponsor, agency)
    proposal = assignment.proposal
    with clock.at(dt.datetime(2025, 6, 3, 10, tzinfo=BEIJING)):
        change_calendar_day(dt.date(2025, 9, 2), is_working_day=False, name="临时假日", by=alice)

    events = {e.action: e for e in Event.objects.filter(proposal=proposal)}
    assign, moved = events[Action.ASSIGN], events[Action.CHANGE_DEADLINE]
    assert assign.note == "" and moved.note == ""
    assert assign.data["agencies"] == [{"agency": agency.name, "role": "sole"}]
    assert (moved.data["cause"], moved.data["previous"], moved.data["deadline"]) == (
        "calendar",
        "2025-09-02",
        "2025-09-03",
    )
    client.force_login(alice)
    page = client.get(reverse("staff:proposal-detail", args=[proposal.pk])).content.decode()
    assert f"承办单位：{agency.name}（独办）" in page
    assert "因工作日历调整" in page
    assert "期限：2025-09-02 → 2025-09-03" in page


def test_an_approved_reassignment_stores_no_words_of_ours(alice, bob, session, sponsor, agency):
    assignment = assigned(alice, session, sponsor, agency)
    request = services.request_reassignment(assignment, reason="不属于本单位职责", by=bob)

    services.decide_reassignment(request, approve=True, by=alice)

    event = Event.objects.get(assignment_id=assignment.pk, action=Action.DECIDE_REASSIGNMENT)
    assert (event.note, event.to_state) == ("", "withdrawn")


def test_a_notification_stores_codes_and_reads_in_its_readers_language(
    client, bob, agency, english
):
    from tests.factories import AssignmentFactory, NotificationFactory, ProposalFactory

    assignment = AssignmentFactory(
        proposal=ProposalFactory(number=118, title="关于加快数字经济发展的建议"),
        agency=agency,
    )
    note = NotificationFactory(user=bob, reminder__assignment=assignment, reminder__days_left=7)
    stored = type(note).objects.values().get(pk=note.pk)
    assert not any(isinstance(v, str) and not v.isascii() for v in stored.values())
    client.force_login(bob)

    chinese = client.get(reverse("notifications:list")).content.decode()
    english_page = client.get(
        reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "第118号提案答复期限还有7天" in chinese
    assert "Proposal No. 118: Reply due in 7 days" in english_page
    assert "期限还有" not in english_page
