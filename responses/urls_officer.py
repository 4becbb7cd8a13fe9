app_name = "officer"

urlpatterns = []
