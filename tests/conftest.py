"""Named users per role, as healthchecks' hc/test.py does: read tests as sentences.

- alice: CPPCC staff
- bob: officer of `agency` (苏州市工业和信息化局)
- charlie: officer of `other_agency`
- dora: sponsor user for `sponsor` (市致公党)
- admin: superuser
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
