from django.urls import path

from portal.api import views

app_name = "api"

urlpatterns = [
    path("", views.ApiIndex.as_view(), name="index"),
    path("proposals/", views.ProposalList.as_view(), name="proposal-list"),
    path("proposals/<int:pk>/", views.ProposalDetail.as_view(), name="proposal-detail"),
    path("sessions/", views.SessionList.as_view(), name="session-list"),
    path("categories/", views.CategoryList.as_view(), name="category-list"),
    path("agencies/", views.AgencyList.as_view(), name="agency-list"),
    path("schema/", views.SchemaView.as_view(api_version="v1"), name="schema"),
]
