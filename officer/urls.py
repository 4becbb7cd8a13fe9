"""The agency officer's portal, mounted at /agency/ (namespace "officer").

Every URL here is checked by tests/test_officer_access.py for the agency's officer
(200), another agency's officer (404) and an anonymous visitor (login): a new URL is
covered automatically, and a new kind of id must be added to that test's fixtures.
"""

from django.urls import path

from officer import files, redaction
from officer import views as officer

app_name = "officer"

urlpatterns = [
    path("", officer.dashboard, name="dashboard"),
    path("assignments/<int:assignment_id>/", officer.assignment_detail, name="assignment"),
    path("assignments/<int:assignment_id>/accept/", officer.accept, name="accept"),
    path(
        "assignments/<int:assignment_id>/reassignment/",
        officer.request_reassignment,
        name="request-reassignment",
    ),
    path(
        "assignments/<int:assignment_id>/extension/",
        officer.request_extension,
        name="request-extension",
    ),
    path("assignments/<int:assignment_id>/opinion/", officer.file_opinion, name="file-opinion"),
    path("assignments/<int:assignment_id>/reply/", officer.file_reply, name="file-reply"),
    path("replies/<int:reply_id>/", officer.reply_detail, name="reply"),
    path("replies/<int:reply_id>/confirm/", officer.confirm_reply, name="confirm-reply"),
    path("documents/<int:document_id>/pdf/", files.document_pdf, name="document-pdf"),
    path("documents/<int:document_id>/remove/", officer.remove_document, name="remove-document"),
    path(
        "documents/<int:document_id>/redaction/",
        redaction.redaction_review,
        name="redaction",
    ),
    path(
        "documents/<int:document_id>/original/",
        files.document_original,
        name="document-original",
    ),
    path(
        "opinions/<int:opinion_id>/attachment/",
        files.opinion_attachment,
        name="opinion-attachment",
    ),
]
