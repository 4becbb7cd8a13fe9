"""Kept only for the two calls left in responses/services.py (confirm_reply,
reopen_reply), whose other lines are being changed elsewhere: every transition already
announces its change through workflow.record_event (proposals.signals), so this adds
nothing but a reason. New code calls proposals.signals.changed."""

from proposals import signals


def reply_changed(proposal) -> None:
    signals.changed([proposal.pk], signals.Reason.EVENT)
