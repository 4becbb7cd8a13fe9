"""Which proposals a user may see, and which sponsor a user acts for: the proposal
questions of the one permission vocabulary (accounts.policies has the role questions,
responses.policies those about agencies, assignments and replies)."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.policies import is_sponsor, is_staff_in
from proposals import transitions
from proposals.models import Action, Proposal, Sponsor, SponsorAccount, Sponsorship

# user.sponsor_account, cached on the user object (None when there is none).
_ACCOUNT = SponsorAccount._meta.get_field("user").remote_field


def sponsor_account_of(user) -> SponsorAccount | None:
    """The user's SponsorAccount with its sponsor, or None. Read once per user object; a
    page listing users loads them with select_related("sponsor_account__sponsor") and
    nothing more is read here."""
    if not getattr(user, "pk", None):
        return None
    if not _ACCOUNT.is_cached(user):
        account = SponsorAccount.objects.select_related("sponsor").filter(user_id=user.pk).first()
        _ACCOUNT.set_cached_value(user, account)
    return _ACCOUNT.get_cached_value(user)


def sponsor_of(user) -> Sponsor | None:
    """The sponsor a user acts for (whatever their role), or None."""
    account = sponsor_account_of(user)
    return account.sponsor if account is not None else None


def sponsor_id_of(user) -> int | None:
    account = sponsor_account_of(user)
    return account.sponsor_id if account is not None else None


def is_sponsor_self(user, sponsor_id) -> bool:
    """A sponsor user acting for this sponsor."""
    return sponsor_id is not None and is_sponsor(user) and sponsor_id_of(user) == sponsor_id


def own_proposals(user) -> QuerySet:
    """A sponsor's own proposals, as lead or co-sponsor (nothing for anyone else)."""
    sponsor_id = sponsor_id_of(user) if is_sponsor(user) else None
    if sponsor_id is None:
        return Proposal.objects.none()
    mine = Sponsorship.objects.filter(proposal=OuterRef("pk"), sponsor_id=sponsor_id)
    return Proposal.objects.filter(Exists(mine))


def staff_actions(user, proposal: Proposal) -> frozenset[str]:
    """The proposal steps a staff user may take now (Action codes, plus
    transitions.ADD_ASSIGNMENT), read from the table the services check."""
    if not is_staff_in(user, proposal.committee_id):
        return frozenset()
    steps = set(transitions.steps_from(proposal.status))
    if proposal.is_published:
        steps.discard(Action.PUBLISH)
        steps.add(Action.UNPUBLISH)
    return frozenset(str(step) for step in steps)
