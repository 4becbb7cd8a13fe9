from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock


class Role(models.TextChoices):
    STAFF = "staff", _("提案委员会工作人员")
    OFFICER = "officer", _("承办单位联络员")
    SPONSOR = "sponsor", _("提案人/委员")
    # 三员分立 (GB/T 22239-2019 level 3): three administrators, one role each.
    SYSTEM_ADMIN = "sysadmin", _("系统管理员")
    SECURITY_ADMIN = "secadmin", _("安全管理员")
    AUDIT_ADMIN = "auditadmin", _("审计管理员")


# The old name of the system administrator, whose code was "admin" until migration 0005
# (kept for the code that still says Role.ADMIN; not a separate choice).
Role.ADMIN = Role.SYSTEM_ADMIN


# The three administrators: an account holds at most one (the role is a single code).
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class User(AbstractUser):
    """A login. Its role decides what it may see. The agency an officer acts for and the
    sponsor a sponsor user acts for are kept by the apps above (responses.AgencyMembership,
    proposals.SponsorAccount): accounts knows neither.

    `committee`: the committee whose work the user does (staff, officers and sponsors
    belong to one); empty only for an installation-wide administrator."""

    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("政协委员会"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, blank=True)
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    # When the password was last set (expiry: settings.PASSWORD_MAX_AGE_DAYS); null for a
    # login made before the field existed, counted from date_joined.
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # The security and audit administrators are never superusers: a superuser
            # holds every right, and 三员分立 keeps these apart.
            models.CheckConstraint(
                condition=~(
                    models.Q(is_superuser=True) & models.Q(role__in=["secadmin", "auditadmin"])
                ),
                name="accounts_user_admin_roles_not_superuser",
            ),
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # A new password (set_password, not a rehash on login) restarts its age.
        if self._password is not None:
            self.password_changed_at = clock.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "password" in update_fields:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        super().save(*args, **kwargs)

    @property
    def is_staff_member(self) -> bool:
        """CPPCC staff or the system administrator: may act on every proposal."""
        return self.is_active and (
            self.role in {Role.STAFF, Role.SYSTEM_ADMIN} or self.is_superuser
        )

    @property
    def is_officer(self) -> bool:
        return self.is_active and self.role == Role.OFFICER

    @property
    def is_sponsor_user(self) -> bool:
        return self.is_active and self.role == Role.SPONSOR


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords (settings.PASSWORD_HISTORY_COUNT), so a
    new password cannot be one of them (accounts.passwords.PasswordHistoryValidator)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"))

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_pwhist_user_idx")]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
