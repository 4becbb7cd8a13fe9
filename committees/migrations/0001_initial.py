"""The committee, and the one an installation that served a single committee moves into.

Every row of the other apps is given this committee by their own migrations (they run
after this one): nothing is lost, and its admin renames it to the committee's names."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

HOME = {
    "slug": "main",
    "region": "本市",
    "name": "政协委员会",
    "short_name": "政协",
    "level": "city",
}


def create_home(apps, schema_editor):
    apps.get_model("committees", "Committee").objects.get_or_create(slug="main", defaults=HOME)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Committee",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "slug",
                    models.SlugField(
                        help_text="用于网址，如 suzhou、gusu；只能用小写字母、数字和连字符。",
                        max_length=32,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[a-z][a-z0-9-]*$", "只能用小写字母、数字和连字符。"
                            )
                        ],
                        verbose_name="代码",
                    ),
                ),
                ("region", models.CharField(help_text="如“苏州市”“姑苏区”。", max_length=32, verbose_name="地区")),
                ("name", models.CharField(max_length=64, unique=True, verbose_name="全称")),
                ("short_name", models.CharField(max_length=32, verbose_name="简称")),
                (
                    "level",
                    models.CharField(
                        choices=[("city", "市级"), ("district", "区县级")],
                        default="city",
                        max_length=16,
                        verbose_name="级别",
                    ),
                ),
                (
                    "host",
                    models.CharField(
                        blank=True,
                        help_text="留空则使用 /c/代码/ 路径访问；填写后该域名直接打开本委员会的公开网站。",
                        max_length=253,
                        verbose_name="专用域名",
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                ("site_title", models.CharField(blank=True, max_length=64, verbose_name="网站名称")),
                ("sponsor_org", models.CharField(blank=True, max_length=64, verbose_name="主办单位")),
                ("site_code", models.CharField(blank=True, max_length=32, verbose_name="网站标识码")),
                ("icp_record", models.CharField(blank=True, max_length=64, verbose_name="ICP备案号")),
                ("police_record", models.CharField(blank=True, max_length=64, verbose_name="公安机关备案号")),
                ("contact", models.CharField(blank=True, max_length=200, verbose_name="联系方式")),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="committees.committee",
                        verbose_name="上级委员会",
                    ),
                ),
            ],
            options={
                "verbose_name": "政协委员会",
                "verbose_name_plural": "政协委员会",
                "ordering": ["order", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("host", ""), _negated=True),
                        fields=("host",),
                        name="committee_host_unique",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("level", "city"), ("parent__isnull", True)),
                            models.Q(("level", "district"), ("parent__isnull", False)),
                            _connector="OR",
                        ),
                        name="committee_district_has_parent",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_home, migrations.RunPython.noop),
    ]
