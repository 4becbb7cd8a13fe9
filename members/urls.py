from django.urls import path

from members import files, views

app_name = "members"

urlpatterns = [
    path("my-proposals/", views.my_proposals, name="my-proposals"),
    path("my-proposals/<int:pk>/", views.my_proposal, name="my-proposal"),
    path("my-replies/<int:reply_id>/feedback/", views.feedback, name="my-feedback"),
    path("my-replies/letters/<int:document_id>/", files.reply_letter, name="reply-letter"),
]
