"""The Word import's reading task: thin, the batch id as argument, the body the service
(staff/importing/word_batches.py), which queues it after commit."""

from celery import shared_task

from responses.documents.libreoffice import Unavailable


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    ignore_result=True,
)
def read_word_batch_task(self, batch_id: int) -> None:
    from staff.importing.word_batches import read_word_batch

    try:
        read_word_batch(batch_id)
    except Unavailable as error:  # LibreOffice could not start: the files wait their turn
        raise self.retry(exc=error, countdown=30 * (self.request.retries + 1)) from error
