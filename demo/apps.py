from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for trying Jianyan out (`manage.py loaddemo`). Installed by `make run`
    and the tests; a production installation leaves it out (settings: DEMO_APP)."""

    name = "demo"
    verbose_name = _("演示数据")
