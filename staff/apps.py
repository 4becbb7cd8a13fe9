import axes.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The back office of the proposals committee's staff."""

    name = "staff"
    verbose_name = _("工作人员后台")


class AxesConfig(axes.apps.AppConfig):
    """django-axes (login lockouts), named in Chinese in the admin: its app has no
    translatable name. Its other strings are translated in locale/zh_Hans."""

    default = False  # StaffConfig stays the staff app's own
    verbose_name = _("登录防护")
