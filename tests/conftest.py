"""Named users per role, as healthchecks' hc/test.py does: read tests as sentences.

- alice: CPPCC staff
- bob: officer of `agency` (苏州市工业和信息化局)
- charlie: officer of `other_agency`
- dora: sponsor user for `sponsor` (市致公党)
- admin: superuser (and system administrator)
- sysadmin, secadmin, auditor: the three administrators (三员分立), one role each
"""

import pytest

from accounts.models import Role
from tests.factories import (
    AgencyFactory,
    OfficerFactory,
    SessionFactory,
    SponsorFactory,
    SponsorUserFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_portal_cache():
    """Each test starts with none of the portal's cached lists and figures: a test whose
    data were rolled back must not leave its home page lists to the next one (the keys
    are per database, so parallel workers never see each other's)."""
    from portal.selectors import forget_cached

    forget_cached()


@pytest.fixture
def session(db):
    return SessionFactory(term=15, meeting=4, year=2025, name="第十五届委员会第四次会议")


@pytest.fixture
def agency(db):
    return AgencyFactory(name="苏州市工业和信息化局", email="gxj@example.gov.cn")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(name="苏州市财政局", email="czj@example.gov.cn")


@pytest.fixture
def sponsor(db):
    from proposals.models import SponsorKind

    return SponsorFactory(name="市致公党", kind=SponsorKind.PARTY, email="zgd@example.org")


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", role=Role.STAFF, display_name="王工作人员")


@pytest.fixture
def bob(agency):
    return OfficerFactory(username="bob", agency=agency, display_name="李联络员")


@pytest.fixture
def charlie(other_agency):
    return OfficerFactory(username="charlie", agency=other_agency)


@pytest.fixture
def dora(sponsor):
    return SponsorUserFactory(username="dora", sponsor=sponsor)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def sysadmin(db):
    return UserFactory(username="sam", role=Role.SYSTEM_ADMIN, is_staff=True)


@pytest.fixture
def secadmin(db):
    return UserFactory(username="sec", role=Role.SECURITY_ADMIN, is_staff=True)


@pytest.fixture
def auditor(db):
    return UserFactory(username="audrey", role=Role.AUDIT_ADMIN)


# --- The second factor in tests ---------------------------------------------------------
@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login(user)` signs in as after the password *and* the second factor
    (accounts.otp), so tests of staff and admin pages need not enrol a device first.
    Tests of the second factor itself use `client.force_login(user, otp=False)`."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None, *, otp=True):
        original(self, user, backend)
        if otp:
            mark_otp_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


def mark_otp_verified(client, user):
    """Mark the client's session as having passed the second factor with a backup-code
    device made for the purpose (as django_otp.login would after a good code)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from accounts.otp import requires_otp

    if not requires_otp(user):
        return
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="tests-verified", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def people(alice, bob, charlie, dora):
    """Staff, the agency's officer, another agency's officer, the proposal's sponsor and
    another sponsor (eve): the five who ask the policy matrices."""
    eve = SponsorUserFactory(username="eve", sponsor=SponsorFactory(name="他人"))
    return {"alice": alice, "bob": bob, "charlie": charlie, "dora": dora, "eve": eve}
