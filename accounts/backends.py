"""Django's ModelBackend, loading the signed-in user with their committee: every page
asks which committee it works for (committees.scope), and this answers without a query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()._default_manager.select_related("committee").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
