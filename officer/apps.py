from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficerConfig(AppConfig):
    """The handling agencies' portal, and the notification pages."""

    name = "officer"
    verbose_name = _("承办单位工作台")
