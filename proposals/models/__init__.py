# One module per area; import every model here so Django and callers find them.
from proposals.models.core import *  # noqa: F403
from proposals.models.core import Action, ProposalQuerySet, Status  # noqa: F401
