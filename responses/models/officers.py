from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyMembership(models.Model):
    """The agency an officer (a login with the officer role) acts for.

    Kept here, not on accounts.User: accounts is the bottom layer and knows no agency.
    responses.policies.agency_of(user) reads it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="agency_membership",
    )
    agency = models.ForeignKey(
        "responses.Agency",
        verbose_name=_("所属承办单位"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("联络员所属单位")
        verbose_name_plural = _("联络员所属单位")

    def __str__(self):
        return f"{self.user} · {self.agency}"
