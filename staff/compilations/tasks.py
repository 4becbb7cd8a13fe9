"""The build task: thin, the id as argument, the body staff/compilations/service.py,
which queues it after the request's transaction commits."""

from celery import shared_task


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def build_compilation_task(self, compilation_id: int) -> None:
    from staff.compilations.service import build_compilation

    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    build_compilation(compilation_id, takeover=redelivered)
