"""Handling a proposal: assignment, the agencies' requests and opinions, replies and
feedback — one function per transition (docs/domain.md, docs/conventions.md).

Each checks who may act and its rules, runs in one transaction, writes an Event row, and
raises TransitionError (message for the user) or PermissionDenied, leaving nothing
changed. Computed dates come from responses.deadlines and say which rule made them.
None sets a proposal's status itself: each ends with responses.handling.refresh_status,
which derives it from the assignments.

One module per sub-domain: assignment, requests, opinions, replies, feedback (base holds
the steps they share). Callers use this package: `from responses import services`.
"""

from proposals.workflow import TransitionError
from responses.handling import missing_opinions, reply_sponsors
from responses.services.assignment import (
    accept_assignment,
    add_assignment,
    assign_proposal,
    change_deadline,
)
from responses.services.feedback import record_feedback, send_back_for_rehandling
from responses.services.opinions import file_joint_opinion, waive_joint_opinions
from responses.services.replies import (
    attach_document,
    confirm_reply,
    file_reply,
    remove_document,
    reopen_reply,
)
from responses.services.requests import (
    decide_extension,
    decide_reassignment,
    request_extension,
    request_reassignment,
)

__all__ = [
    "TransitionError",
    "accept_assignment",
    "add_assignment",
    "assign_proposal",
    "attach_document",
    "change_deadline",
    "confirm_reply",
    "decide_extension",
    "decide_reassignment",
    "file_joint_opinion",
    "file_reply",
    "missing_opinions",
    "record_feedback",
    "remove_document",
    "reopen_reply",
    "reply_sponsors",
    "request_extension",
    "request_reassignment",
    "send_back_for_rehandling",
    "waive_joint_opinions",
]
