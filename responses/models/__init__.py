# One module per area; import every model here so Django and callers find them.
from responses.models.core import *  # noqa: F403
from responses.models.core import (  # noqa: F401
    CLASSIFICATION_LABELS,
    OPEN_STATES,
    OPINION_ROLES,
    REPLYING_ROLES,
)
