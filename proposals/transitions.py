"""From which statuses each step on a proposal may start: the one table that the services
check (proposals.services.transition and the steps of responses) and that the staff's
pages read (proposals.policies.staff_actions), so a button is offered exactly when its
service would accept it. A rule module: it imports models only.
"""

from proposals.models import Action, Status

# Steps of responses with no Action of their own: 追加承办单位 records an ASSIGN event.
ADD_ASSIGNMENT = "add_assignment"

EDITABLE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.REGISTERED})
# Where a proposal may be made public: it has passed review and was not turned away.
PUBLISHABLE = frozenset(
    {
        Status.REGISTERED,
        Status.MERGED,
        Status.ASSIGNED,
        Status.REPLIED,
        Status.EVALUATED,
        Status.REHANDLING,
        Status.CLOSED,
    }
)
TURNED_AWAY = frozenset({Status.REJECTED, Status.CONVERTED, Status.MERGED})

FROM: dict[str, frozenset[str]] = {
    Action.UPDATE: EDITABLE,
    Action.SUBMIT: frozenset({Status.DRAFT}),
    Action.REGISTER: frozenset({Status.SUBMITTED}),
    Action.REJECT: frozenset({Status.SUBMITTED}),
    Action.CONVERT: frozenset({Status.SUBMITTED}),
    Action.MERGE: frozenset({Status.SUBMITTED, Status.REGISTERED}),
    Action.ASSIGN: frozenset({Status.REGISTERED}),
    ADD_ASSIGNMENT: frozenset({Status.ASSIGNED, Status.REHANDLING, Status.REPLIED}),
    Action.CLOSE: frozenset({Status.REPLIED, Status.EVALUATED}),
    Action.SET_KEY: frozenset(Status.values) - TURNED_AWAY,
    Action.PUBLISH: PUBLISHABLE,
}


def allowed_from(action: str) -> frozenset[str]:
    return FROM[action]


def allows(action: str, status: str) -> bool:
    return status in FROM[action]


def steps_from(status: str) -> frozenset[str]:
    """Every step of the table that may start from `status`."""
    return frozenset(action for action, statuses in FROM.items() if status in statuses)
