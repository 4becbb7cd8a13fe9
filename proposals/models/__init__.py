# One module per area; import every model here so Django and callers find them.
from proposals.models.core import *  # noqa: F403
from proposals.models.core import Action, ProposalQuerySet, Status  # noqa: F401
from proposals.models.importing import ImportBatch, ImportSource, ImportStatus  # noqa: F401
from proposals.models.pages import PublicPage  # noqa: F401
from proposals.models.search import SearchDocument  # noqa: F401
from proposals.models.views import ProposalView  # noqa: F401
from proposals.models.word_imports import (  # noqa: F401
    WordBatchStatus,
    WordFileStatus,
    WordImportBatch,
    WordImportFile,
)
