from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The back office of the proposals committee's staff."""

    name = "staff"
    verbose_name = _("工作人员后台")
