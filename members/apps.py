from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """The sponsors' (members' and groups') portal."""

    name = "members"
    verbose_name = _("提案人")
