"""Every failed Celery task reaches the log with what it was about.

Tasks take ids as arguments (document_id, assignment_id, delivery_id...); on failure this
resolves them to the proposal and assignment, so an operator reading the log (or a JSON
log search, LOG_FORMAT=json puts them in their own fields) finds the case at once.
Imported by the worker through settings.CELERY_IMPORTS.
"""

import inspect
import logging

from celery.signals import task_failure

logger = logging.getLogger("jianyan.tasks")


def context_of(task, args, kwargs) -> dict:
    """The task's named id arguments plus the proposal/assignment they belong to."""
    try:
        bound = inspect.signature(task.run).bind_partial(*(args or ()), **(kwargs or {}))
        named = dict(bound.arguments)
    except (TypeError, ValueError):
        named = {}
    context = {key: value for key, value in named.items() if key.endswith("_id")}
    try:
        context.update(_owners(context))
    except Exception:  # noqa: BLE001 - the log line matters more than its detail
        logger.debug("could not resolve task ids", exc_info=True)
    return context


def _owners(ids: dict) -> dict:
    from responses.models import Assignment, ReplyDocument

    if "document_id" in ids:
        row = (
            ReplyDocument.objects.filter(pk=ids["document_id"])
            .values("reply_id", "reply__assignment_id", "reply__assignment__proposal_id")
            .first()
        )
        if row:
            return {
                "reply_id": row["reply_id"],
                "assignment_id": row["reply__assignment_id"],
                "proposal_id": row["reply__assignment__proposal_id"],
            }
    if "assignment_id" in ids and "proposal_id" not in ids:
        proposal_id = (
            Assignment.objects.filter(pk=ids["assignment_id"])
            .values_list("proposal_id", flat=True)
            .first()
        )
        if proposal_id:
            return {"proposal_id": proposal_id}
    return {}


@task_failure.connect
def log_task_failure(
    sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **_
):
    context = context_of(sender, args, kwargs) if sender is not None else {}
    described = " ".join(f"{key}={value}" for key, value in sorted(context.items()))
    logger.error(
        "task %s failed (%s): %s",
        getattr(sender, "name", "?"),
        described or "no ids",
        exception,
        exc_info=einfo.exc_info if einfo else None,
        extra={"task": getattr(sender, "name", ""), "task_id": task_id, **context},
    )
