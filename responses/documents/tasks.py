"""The render task: thin, the id as argument, the body the render service
(responses/documents/service.py), which queues it after commit."""

import random

from celery import shared_task

from responses.documents.render import RenderError
from responses.models import ReplyDocument

RENDER_MAX_RETRIES = 5


def _backoff(retries: int) -> int:
    """15 s, 30 s, 60 s… capped at 10 minutes, with jitter so retries do not stampede."""
    return min(600, 15 * 2**retries) + random.randint(0, 5)


@shared_task(
    # the name it had when it lived in responses/tasks.py, for messages already queued
    name="responses.tasks.render_reply_document_task",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=RENDER_MAX_RETRIES,
    ignore_result=True,
)
def render_reply_document_task(self, document_id: int) -> None:
    from responses.documents.service import render_document

    document = ReplyDocument.objects.filter(pk=document_id).first()
    if document is None:  # deleted since it was queued
        return
    # A message redelivered after its worker died finds the row still `rendering`.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        render_document(
            document, takeover=redelivered, retry=self.request.retries < self.max_retries
        )
    except RenderError as error:  # only transient failures are raised with retry=True
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error
