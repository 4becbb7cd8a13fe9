"""Sponsors follow their own proposals and rate replies; staff manage officers; logins
lock out after repeated failures; passwords change and reset by e-mail."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role, User
from proposals.models import Sponsorship
from proposals.policies import sponsor_of
from responses.models import Feedback, Satisfaction
from responses.policies import agency_of
from tests.factories import SponsorFactory, SponsorUserFactory
from tests.staff_data import replied

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(alice, session, sponsor, agency):
    return replied(alice, session, sponsor, agency, title="关于完善社区养老服务的建议")


def test_a_sponsor_sees_the_proposals_they_lead_and_cosign_only(
    client, dora, reply, alice, session
):
    cosigned = replied(
        alice,
        session,
        SponsorFactory(name="民盟市委"),
        reply.assignment.agency,
        title="关于古城保护的建议",
    ).assignment.proposal
    Sponsorship.objects.create(proposal=cosigned, sponsor=sponsor_of(dora), order=1)
    replied(
        alice, session, SponsorFactory(name="九三学社"), reply.assignment.agency, title="别人的提案"
    )
    client.force_login(dora)
    page = client.get(reverse("members:my-proposals")).content.decode()
    assert "关于完善社区养老服务的建议" in page
    assert "关于古城保护的建议" in page
    assert "别人的提案" not in page


def test_a_sponsor_records_satisfaction_with_a_reply(client, dora, reply):
    client.force_login(dora)
    proposal = reply.assignment.proposal
    page = client.get(reverse("members:my-proposal", args=[proposal.pk]))
    assert reply.assignment.agency.name in page.content.decode()
    response = client.post(
        reverse("members:my-feedback", args=[reply.pk]),
        {f"r{reply.pk}-satisfaction": Satisfaction.BASICALLY, f"r{reply.pk}-comment": "尽快落实"},
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get(reply=reply)
    assert (feedback.sponsor, feedback.satisfaction, feedback.comment) == (
        sponsor_of(dora),
        Satisfaction.BASICALLY,
        "尽快落实",
    )


def test_another_sponsor_cannot_rate_a_reply_that_is_not_theirs(client, reply):
    eve = SponsorUserFactory(username="eve", sponsor=SponsorFactory(name="台盟"))
    client.force_login(eve)
    response = client.post(
        reverse("members:my-feedback", args=[reply.pk]),
        {f"r{reply.pk}-satisfaction": Satisfaction.DISSATISFIED},
    )
    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_staff_create_an_officer_for_an_agency_and_deactivate_them(client, alice, agency):
    client.force_login(alice)
    response = client.post(
        reverse("staff:officer-create"),
        {
            "username": "zhou",
            "display_name": "周联络员",
            "agency": agency.pk,
            "email": "zhou@example.gov.cn",
            "phone": "",
            "password1": "Lian-luo-2026!x",
            "password2": "Lian-luo-2026!x",
        },
    )
    assert response.status_code == 302, response.content.decode()
    officer = User.objects.get(username="zhou")
    assert (officer.role, agency_of(officer), officer.is_officer) == (Role.OFFICER, agency, True)
    assert officer.check_password("Lian-luo-2026!x")

    client.post(reverse("staff:officer-deactivate", args=[officer.pk]))
    officer.refresh_from_db()
    assert not officer.is_active
    assert "已停用" in client.get(reverse("staff:officers")).content.decode()


def test_an_officer_needs_an_agency(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("staff:officer-create"),
        {
            "username": "wu",
            "display_name": "吴",
            "password1": "Wu-2026-联络!",
            "password2": "Wu-2026-联络!",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="wu").exists()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_the_login_with_a_clear_message(client, bob):
    bob.set_password("right-password-1")
    bob.save()
    for _attempt in range(3):
        client.post(reverse("accounts:login"), {"username": "bob", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "bob", "password": "right-password-1"}
    )
    assert response.status_code == 429
    assert "锁定" in response.content.decode()


def test_a_user_changes_their_password(client, dora):
    dora.set_password("old-password-1")
    dora.save()
    client.force_login(dora)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "old-password-1",
            "new_password1": "Xin-mima-2026!",
            "new_password2": "Xin-mima-2026!",
        },
    )
    assert response.url == reverse("accounts:password_change_done")
    dora.refresh_from_db()
    assert dora.check_password("Xin-mima-2026!")


def test_a_forgotten_password_is_reset_through_the_link_in_an_email(client, dora):
    dora.email = "dora@example.org"
    dora.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "dora@example.org"})
    assert response.url == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    link = next(word for word in message.body.split() if "/password/reset/" in word)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else "/" + path,
        {"new_password1": "Chongzhi-2026!", "new_password2": "Chongzhi-2026!"},
    )
    assert response.url == reverse("accounts:password_reset_complete")
    dora.refresh_from_db()
    assert dora.check_password("Chongzhi-2026!")
