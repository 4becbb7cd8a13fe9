from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("提案委员会工作人员")
    OFFICER = "officer", _("承办单位联络员")
    SPONSOR = "sponsor", _("提案人/委员")
    ADMIN = "admin", _("系统管理员")


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

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        """CPPCC staff or admin: may act on every proposal."""
        return self.is_active and (self.role in {Role.STAFF, Role.ADMIN} or self.is_superuser)

    @property
    def is_officer(self) -> bool:
        return self.is_active and self.role == Role.OFFICER

    @property
    def is_sponsor_user(self) -> bool:
        return self.is_active and self.role == Role.SPONSOR
