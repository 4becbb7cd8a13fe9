from django.urls import path

from portal import files as public_files
from portal import views as public
from portal.api.docs import api_docs
from portal.feeds import LatestPublicationsFeed

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("proposals/", public.proposal_list, name="proposals"),
    path("proposals/export.csv", public.proposal_export, name="export"),
    path("proposals/<int:pk>/", public.proposal_detail, name="proposal"),
    path("agencies/", public.agency_list, name="agencies"),
    path("agencies/<int:pk>/", public.agency_detail, name="agency"),
    path("feed/", LatestPublicationsFeed(), name="feed"),
    path("open-data/api/", api_docs, name="api-docs"),
    path(
        "replies/documents/<int:pk>/pdf/",
        public_files.reply_document_pdf,
        name="reply-pdf",
    ),
    path(
        "replies/documents/<int:pk>/original/",
        public_files.reply_document_original,
        name="reply-original",
    ),
]
