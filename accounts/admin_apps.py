"""django.contrib.admin, with Jianyan's site (accounts.admin_site) as `admin.site`."""

from django.contrib.admin.apps import AdminConfig


class JianyanAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.AdminSite"
