from django.urls import path

from proposals.views import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
]
