"""The committee (政协委员会): the unit one installation serves several of, a city's and
its districts' (市县一体化). Everything a committee works with — its sessions, categories,
sponsors, agencies, rules, users and proposals — names it; the apps above point here.

The bottom of the domain: it imports nothing of ours but common (docs/conventions.md).
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")


class CommitteeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Committee(models.Model):
    """One CPPCC committee: its names, its place among the others and what its pages show.

    The names are data the committee's admin types (in Chinese, as its seal reads), not
    translations: `region` 苏州市, `name` 中国人民政治协商会议苏州市委员会, `short_name`
    苏州市政协. The cover page composes "政协{region}第N届委员会第M次会议" from them."""

    slug = models.SlugField(
        _("代码"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[a-z][a-z0-9-]*$", _("只能用小写字母、数字和连字符。"))],
        help_text=_("用于网址，如 suzhou、gusu；只能用小写字母、数字和连字符。"),
    )
    region = models.CharField(_("地区"), max_length=32, help_text=_("如“苏州市”“姑苏区”。"))
    name = models.CharField(_("全称"), max_length=64, unique=True)
    short_name = models.CharField(_("简称"), max_length=32)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices, default=Level.CITY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级委员会"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    host = models.CharField(
        _("专用域名"),
        max_length=253,
        blank=True,
        help_text=_("留空则使用 /c/代码/ 路径访问；填写后该域名直接打开本委员会的公开网站。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # Branding and the identifiers government websites must show in their footer.
    site_title = models.CharField(_("网站名称"), max_length=64, blank=True)
    sponsor_org = models.CharField(_("主办单位"), max_length=64, blank=True)
    site_code = models.CharField(_("网站标识码"), max_length=32, blank=True)
    icp_record = models.CharField(_("ICP备案号"), max_length=64, blank=True)
    police_record = models.CharField(_("公安机关备案号"), max_length=64, blank=True)
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("政协委员会")
        verbose_name_plural = _("政协委员会")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["host"], condition=~Q(host=""), name="committee_host_unique"
            ),
            models.CheckConstraint(
                condition=Q(level="city", parent__isnull=True)
                | Q(level="district", parent__isnull=False),
                name="committee_district_has_parent",
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    @property
    def title(self) -> str:
        """What the site's header says for this committee."""
        return self.site_title or self.short_name or self.name

    def family_ids(self) -> list[int]:
        """This committee and the ones under it (a city and its districts)."""
        return [self.pk, *Committee.objects.filter(parent_id=self.pk).values_list("pk", flat=True)]


class PerCommittee:
    """A model with one row of settings per committee (a `committee` one-to-one field),
    read without writing: the saved row, or the defaults, unsaved, while none is saved."""

    @classmethod
    def of(cls, committee_id: int):
        """The committee's saved row, or the defaults: a plain SELECT, never a write."""
        return cls.objects.filter(committee_id=committee_id).first() or cls(
            committee_id=committee_id
        )

    @classmethod
    def of_all(cls) -> dict:
        """Every committee's row by committee id (defaults where none is saved), in two
        queries whatever the number of committees: for the periodic jobs."""
        saved = {row.committee_id: row for row in cls.objects.all()}
        return {
            pk: saved.get(pk) or cls(committee_id=pk)
            for pk in Committee.objects.values_list("pk", flat=True)
        }
