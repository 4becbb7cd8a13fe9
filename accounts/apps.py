from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与角色")

    def ready(self):
        # Logins, failures, role and permission changes, admin actions: to the audit log.
        from accounts.audit import receivers  # noqa: F401
