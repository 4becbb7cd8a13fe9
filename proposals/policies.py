"""Which proposals a user may see: the proposal questions of the one permission
vocabulary (accounts.policies has the role questions, responses.policies those about
assignments and replies)."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.policies import is_sponsor
from proposals.models import Proposal, Sponsorship


def own_proposals(user) -> QuerySet:
    """A sponsor's own proposals, as lead or co-sponsor (nothing for anyone else)."""
    if not is_sponsor(user):
        return Proposal.objects.none()
    mine = Sponsorship.objects.filter(proposal=OuterRef("pk"), sponsor_id=user.sponsor_id)
    return Proposal.objects.filter(Exists(mine))
