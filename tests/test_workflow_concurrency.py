"""Two staff at the same moment: PostgreSQL row locks keep the rules (CI runs on PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from proposals import services
from proposals.models import Action, Event, Proposal, Status
from tests.factories import ProposalFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def _race(work, times=2):
    """Run `work(i)` in `times` threads released together; return results or exceptions."""
    barrier = threading.Barrier(times)
    results = [None] * times

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_staff_registering_the_same_proposal_register_it_once(session, sponsor, alice):
    proposal = ProposalFactory(session=session, lead_sponsor=sponsor)
    results = _race(
        lambda i: services.register_proposal(Proposal.objects.get(pk=proposal.pk), by=alice)
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], services.TransitionError)
    assert Proposal.objects.get(pk=proposal.pk).status == Status.REGISTERED
    assert Event.objects.filter(proposal=proposal, action=Action.REGISTER).count() == 1


def test_proposals_entered_at_once_never_share_a_number(session, sponsor, alice):
    results = _race(
        lambda i: services.create_proposal(
            session=session, title=f"并发录入{i}", body="内容", lead_sponsor=sponsor, by=alice
        ),
        times=4,
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(p.number for p in Proposal.objects.filter(session=session))
    assert numbers == [1, 2, 3, 4]
