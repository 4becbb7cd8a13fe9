"""An installation that served one committee moves into one committee with nothing lost:
on a database with sessions, categories, sponsors, agencies, proposals, rules, reminder
settings and users, every row afterwards names the installation's committee, the rules
keep their values, and names stay unique within it."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from committees.models import Committee
from proposals.models import Category, Proposal, Session, Sponsor
from responses.models import Agency, CommitteeRules, ReminderSettings

# The last migrations before committees existed.
BEFORE = [
    ("accounts", "0007_security_audit_append_only_trigger"),
    ("proposals", "0013_event_assignment_id"),
    ("responses", "0015_notification_codes"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_single_committee_installation_moves_into_one_committee_with_nothing_lost():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = _migrate([*BEFORE, ("committees", None)])
    try:
        old = executor.loader.project_state(BEFORE).apps
        session = old.get_model("proposals", "Session").objects.create(
            name="十五届四次", term=15, meeting=4, year=2026
        )
        category = old.get_model("proposals", "Category").objects.create(name="经济")
        sponsor = old.get_model("proposals", "Sponsor").objects.create(
            name="市致公党", kind="party"
        )
        agency = old.get_model("responses", "Agency").objects.create(name="苏州市工业和信息化局")
        proposal = old.get_model("proposals", "Proposal").objects.create(
            session=session,
            number=118,
            title="关于加快数字经济发展的建议",
            body="…",
            category=category,
        )
        old.get_model("responses", "CommitteeRules").objects.create(pk=1, reply_months=2)
        old.get_model("responses", "ReminderSettings").objects.create(pk=1, max_send_attempts=3)
        User = old.get_model("accounts", "User")
        staff = User.objects.create(username="alice", role="staff")
        root = User.objects.create(username="root", is_superuser=True)

        _migrate(latest)
    finally:
        _migrate(latest)

    home = Committee.objects.get()
    assert Session.objects.get(pk=session.pk).committee == home
    assert Category.objects.get(pk=category.pk).committee == home
    assert Sponsor.objects.get(pk=sponsor.pk).committee == home
    assert Agency.objects.get(pk=agency.pk).committee == home
    moved = Proposal.objects.get(pk=proposal.pk)
    assert (moved.committee, moved.number, moved.title) == (home, 118, "关于加快数字经济发展的建议")
    assert CommitteeRules.of(home.pk).reply_months == 2
    assert ReminderSettings.of(home.pk).max_send_attempts == 3
    from accounts.models import User as NewUser

    assert NewUser.objects.get(pk=staff.pk).committee == home
    assert NewUser.objects.get(pk=root.pk).committee is None  # installation-wide
    # Names are unique within a committee, and free in another.
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(committee=home, name="苏州市工业和信息化局")
    district = Committee.objects.create(
        slug="gusu",
        region="姑苏区",
        name="政协苏州市姑苏区委员会",
        short_name="姑苏区政协",
        level="district",
        parent=home,
    )
    Agency.objects.create(committee=district, name="苏州市工业和信息化局")
    Session.objects.create(committee=district, name="十五届四次", term=15, meeting=4, year=2026)
