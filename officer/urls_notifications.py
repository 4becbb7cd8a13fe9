"""Notifications and the staff's deadline overview, mounted at /notifications/."""

from django.urls import path

from officer import notifications as reminders

app_name = "notifications"

urlpatterns = [
    path("", reminders.notification_list, name="list"),
    path("<int:pk>/", reminders.notification_open, name="open"),
    path("read-all/", reminders.notification_read_all, name="read-all"),
    path("overview/", reminders.overview, name="overview"),
    path("assignments/<int:assignment_id>/urge/", reminders.urge, name="urge"),
]
