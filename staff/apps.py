import axes.apps
from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The back office of the proposals committee's staff."""

    name = "staff"
    verbose_name = _("工作人员后台")


# How the admin names one row of django-axes (page titles, breadcrumbs, the delete page):
# axes composes these in English in its models' __str__.
AXES_ROW_NAMES = {
    "AccessAttempt": _("%(username)s的登录尝试（%(time)s）"),
    "AccessFailureLog": _("%(username)s的登录失败（%(time)s）"),
    "AccessLog": _("%(username)s的登录记录（%(time)s）"),
}


def _axes_row_name(row) -> str:
    moment = timezone.localtime(row.attempt_time) if row.attempt_time else None
    return gettext(AXES_ROW_NAMES[type(row).__name__]) % {
        "username": row.username or "",
        "time": f"{moment:%Y-%m-%d %H:%M}" if moment else "",
    }


class AxesConfig(axes.apps.AppConfig):
    """django-axes (login lockouts), named in Chinese in the admin: its app has no
    translatable name, and its rows name themselves in English. Its other strings are
    translated in locale/zh_Hans."""

    default = False  # StaffConfig stays the staff app's own
    verbose_name = _("登录防护")

    def ready(self):
        super().ready()
        for model_name in AXES_ROW_NAMES:
            self.get_model(model_name).__str__ = _axes_row_name
