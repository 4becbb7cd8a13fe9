"""The reply-document pipeline: every uploaded reply letter becomes a searchable PDF.

- sniff.inspect_upload(file) -> Inspection: check an upload by its content, or raise
  sniff.RejectedDocument with a Chinese message (attach_document calls it);
- queue_render(document): render after the transaction commits (Celery task);
- render_document(document): the render service the task runs (claim, render, store);
- render.render_file(path, cover=..., plan=...): the same pipeline without the database;
- personal_data, redaction, review: personal data found, redacted in the document before
  rendering, checked in the public PDF, reviewed by officers and staff
  (docs/redaction.md).
"""

from responses.documents.service import queue_render, render_document

__all__ = ["queue_render", "render_document"]
