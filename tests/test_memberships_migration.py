"""The agency an officer acts for and the sponsor a sponsor user acts for move off
accounts.User into rows the apps above own (responses.AgencyMembership,
proposals.SponsorAccount), and an event keeps its assignment's id without a foreign key:
on a database that has users, events and assignments, nothing is lost either way."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from proposals.models import Event, SponsorAccount, Status
from responses.models import AgencyMembership, Assignment
from tests.factories import AgencyFactory, AssignmentFactory, SponsorFactory

# The last migrations with User.agency, User.sponsor and the Event -> Assignment key.
BEFORE = [
    ("accounts", "0002_initial"),
    ("proposals", "0011_clock_defaults"),
    ("responses", "0013_assignment_ended"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_migrations_move_agencies_and_sponsors_into_rows_of_the_apps_above():
    agency, other_agency = AgencyFactory(), AgencyFactory()
    sponsor = SponsorFactory()
    assignment = AssignmentFactory(agency=agency, proposal__status=Status.ASSIGNED)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        User = old.get_model("accounts", "User")
        OldEvent = old.get_model("proposals", "Event")
        bob = User.objects.create(username="bob", role="officer", agency_id=agency.pk)
        charlie = User.objects.create(username="charlie", role="officer", agency_id=other_agency.pk)
        dora = User.objects.create(username="dora", role="sponsor", sponsor_id=sponsor.pk)
        User.objects.create(username="alice", role="staff")
        event = OldEvent.objects.create(
            proposal_id=assignment.proposal_id, assignment_id=assignment.pk, action="accept"
        )

        _migrate(latest)
        assert set(AgencyMembership.objects.values_list("user_id", "agency_id")) == {
            (bob.pk, agency.pk),
            (charlie.pk, other_agency.pk),
        }
        assert set(SponsorAccount.objects.values_list("user_id", "sponsor_id")) == {
            (dora.pk, sponsor.pk)
        }
        assert Event.objects.get(pk=event.pk).assignment_id == assignment.pk

        # And back: the users name their agency and sponsor again.
        executor = _migrate(BEFORE)
        User = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
        assert set(User.objects.values_list("username", "agency_id", "sponsor_id")) == {
            ("bob", agency.pk, None),
            ("charlie", other_agency.pk, None),
            ("dora", None, sponsor.pk),
            ("alice", None, None),
        }
    finally:
        _migrate(latest)

    # The audit trail outlives the assignment it names.
    Assignment.objects.filter(pk=assignment.pk).delete()
    assert Event.objects.get(pk=event.pk).assignment_id == assignment.pk
