"""The staff back office at /staff/. Every view is wrapped in staff_required here, so a
new URL is staff-only without anyone remembering to say so (tests/test_staff_access.py
walks these patterns for every role)."""

from django.urls import path

from staff import officers
from staff.views import (
    assign,
    compilations,
    dashboard,
    imports,
    intake,
    proposals,
    publication,
    redaction,
    replies,
    reports,
    review,
    supervision,
    word_imports,
)
from staff.views.access import staff_required

app_name = "staff"


def staff_path(route, view, name):
    return path(route, staff_required(view), name=name)


urlpatterns = [
    staff_path("", dashboard.dashboard, "dashboard"),
    # Intake
    staff_path("proposals/", proposals.proposal_list, "proposal-list"),
    staff_path("proposals/new/", intake.proposal_create, "proposal-create"),
    staff_path("proposals/import-word/", intake.import_word, "import-word"),
    staff_path("proposals/import-word/<int:pk>/", word_imports.word_batch, "word-batch"),
    staff_path(
        "proposals/import-word/<int:pk>/progress.json",
        word_imports.word_batch_progress,
        "word-batch-progress",
    ),
    staff_path(
        "proposals/import-word/<int:pk>/import/",
        word_imports.word_batch_import,
        "word-batch-import",
    ),
    staff_path("proposals/<int:pk>/", proposals.proposal_detail, "proposal-detail"),
    staff_path("proposals/<int:pk>/edit/", intake.proposal_edit, "proposal-edit"),
    staff_path("sponsors.json", intake.sponsor_search, "sponsor-search"),
    staff_path("next-number.json", intake.next_number, "next-number"),
    # Review
    staff_path("proposals/<int:pk>/submit/", review.submit, "proposal-submit"),
    staff_path("proposals/<int:pk>/register/", review.register, "proposal-register"),
    staff_path("proposals/<int:pk>/reject/", review.reject, "proposal-reject"),
    staff_path("proposals/<int:pk>/convert/", review.convert, "proposal-convert"),
    staff_path("proposals/<int:pk>/merge/", review.merge, "proposal-merge"),
    # Assignment and the agencies' requests
    staff_path("proposals/<int:pk>/assign/", assign.assign, "proposal-assign"),
    staff_path("proposals/<int:pk>/add-assignment/", assign.add, "proposal-add-assignment"),
    staff_path("assignments/<int:pk>/deadline/", assign.deadline, "assignment-deadline"),
    staff_path("assignments/<int:pk>/waive/", assign.waive, "assignment-waive"),
    staff_path("requests/", assign.requests, "requests"),
    staff_path("reassignments/<int:pk>/", assign.decide_reassignment_view, "reassignment-decide"),
    staff_path("extensions/<int:pk>/", assign.decide_extension_view, "extension-decide"),
    # Replies, feedback, closing
    staff_path("replies/<int:pk>/feedback/", replies.feedback, "reply-feedback"),
    staff_path("replies/<int:pk>/reopen/", replies.reopen, "reply-reopen"),
    staff_path("assignments/<int:pk>/send-back/", replies.send_back, "assignment-send-back"),
    staff_path("proposals/<int:pk>/close/", replies.close, "proposal-close"),
    # Personal data in reply letters (docs/redaction.md)
    staff_path("documents/<int:pk>/redaction/", redaction.redaction_review, "document-redaction"),
    staff_path(
        "documents/<int:pk>/original-public/", redaction.original_public, "document-original-public"
    ),
    # Supervision
    staff_path("key/", supervision.key_list, "key-list"),
    staff_path("proposals/<int:pk>/key/", supervision.set_key, "proposal-key"),
    staff_path("overdue/", supervision.overdue, "overdue"),
    staff_path("assignments/<int:pk>/remind/", supervision.remind, "assignment-remind"),
    # Publication
    staff_path("publication/", publication.publication_list, "publication"),
    staff_path("proposals/<int:pk>/publish/", publication.publish, "proposal-publish"),
    staff_path("proposals/<int:pk>/unpublish/", publication.unpublish, "proposal-unpublish"),
    # Bulk import
    staff_path("import/", imports.import_list, "import-list"),
    staff_path("import/template.xlsx", imports.import_template, "import-template"),
    staff_path("import/<int:pk>/", imports.import_detail, "import-detail"),
    staff_path("import/<int:pk>/run/", imports.import_confirm, "import-confirm"),
    # Reports
    staff_path("reports/", reports.report, "reports"),
    staff_path("reports/<slug:table>.xlsx", reports.export, "report-export"),
    # Compilations of a session (提案汇编, 答复汇编, 提案目录)
    staff_path("compilations/", compilations.compilation_list, "compilations"),
    staff_path("compilations/new/", compilations.compilation_request, "compilation-request"),
    staff_path("compilations/<int:pk>.pdf", compilations.compilation_pdf, "compilation-pdf"),
    staff_path("compilations/<int:pk>.docx", compilations.compilation_docx, "compilation-docx"),
    # Officers of the agencies
    staff_path("officers/", officers.officer_list, "officers"),
    staff_path("officers/new/", officers.officer_create, "officer-create"),
    staff_path("officers/<int:pk>/deactivate/", officers.officer_deactivate, "officer-deactivate"),
]
