"""Render the stored public pages of published proposals (after a deploy or an import).

Pages are also rendered after each publication and on a first visit; this command does
them all at once, with a progress bar. By default only pages that are missing or not
current; --all renders every page again.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from portal import pages
from proposals.models import Proposal


class Command(BaseCommand):
    help = _("生成已公开提案的公开页面（部署或导入之后运行）。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help=_("全部重新生成，而不只是过期的页面")
        )
        parser.add_argument(
            "--language",
            action="append",
            choices=[code for code, _name in settings.LANGUAGES],
            help=_("语言（可重复；默认为站点默认语言）"),
        )
        parser.add_argument("--no-progress", action="store_true", help=_("不显示进度条"))

    def handle(self, *args, **options):
        for language in options["language"] or [settings.LANGUAGE_CODE]:
            todo = Proposal.objects.published() if options["all"] else pages.stale(language)
            ids = list(todo.order_by("pk").values_list("pk", flat=True))
            bar = tqdm(
                total=len(ids),
                unit=_("页"),
                desc=language,
                disable=options["no_progress"] or options["verbosity"] == 0,
                file=self.stderr._out,
            )
            with bar:
                built = pages.build(ids, language, progress=bar.update)
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(language)s：已生成 %(count)d 个公开页面。")
                    % {"language": language, "count": built}
                )
            )
